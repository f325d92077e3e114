package io.runflowkafka.processor.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.runflowkafka.callbacks.UriEncoding;
import io.runflowkafka.processor.internal.JobState;
import io.runflowkafka.processor.internal.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The job-status API on a real HTTP server (random loopback port) over an in-memory lookup. */
class JobStatusRoutesTest {

    private static final String HEADSHOTS_ID = "a1b2c3d4-e5f6-4890-abcd-ef1234567890";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Javalin> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Javalin::stop);
    }

    /** Holds statuses in maps; a key listed in {@code elsewhere} belongs to another instance. */
    private static final class MapLookup implements JobStatusLookup {
        final Map<String, JobStatus> byOrder = new ConcurrentHashMap<>();
        final Map<String, JobStatus> byHeadshots = new ConcurrentHashMap<>();
        final Map<String, HostInfo> elsewhere = new ConcurrentHashMap<>();
        volatile String unavailable;

        @Override
        public Result byOrderId(String orderId) {
            return find(byOrder, orderId);
        }

        @Override
        public Result byHeadshotsId(String headshotsId) {
            return find(byHeadshots, headshotsId);
        }

        private Result find(Map<String, JobStatus> map, String key) {
            if (unavailable != null) {
                return new Unavailable(unavailable);
            }
            if (elsewhere.containsKey(key)) {
                return new Elsewhere(elsewhere.get(key));
            }
            JobStatus status = map.get(key);
            return status == null ? new NotFound() : new Found(status);
        }
    }

    private int serve(JobStatusLookup lookup) {
        JobStatusRoutes routes = new JobStatusRoutes(lookup, Duration.ofSeconds(2));
        Javalin server = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    routes.addTo(config);
                })
                .start("127.0.0.1", 0);
        servers.add(server);
        return server.port();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JobStatus submitted(String orderId) {
        return JobStatuses.submitted(StatusEvents.job(orderId, HEADSHOTS_ID));
    }

    @Test
    void shouldAnswerTheStatusOfASubmittedOrder() throws Exception {
        MapLookup lookup = new MapLookup();
        lookup.byOrder.put("order-1", submitted("order-1"));
        int port = serve(lookup);

        HttpResponse<String> response = get(port, "/jobs/order-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .startsWith("application/json");
        assertThat(response.body())
                .contains(
                        "\"order_id\":\"order-1\"",
                        "\"state\":\"SUBMITTED\"",
                        "\"headshots_id\":\"" + HEADSHOTS_ID + "\"",
                        "\"submitted_at\":\"2026-11-21T10:00:00Z\"");
    }

    @Test
    void shouldAnswerByHeadshotsId() throws Exception {
        MapLookup lookup = new MapLookup();
        JobStatus status = JobStatuses.merge(
                submitted("order-1"), JobStatuses.completed(StatusEvents.completed("order-1", HEADSHOTS_ID)));
        lookup.byHeadshots.put(HEADSHOTS_ID, status);
        int port = serve(lookup);

        HttpResponse<String> response = get(port, "/jobs/by-headshots-id/" + HEADSHOTS_ID);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"state\":\"" + JobState.COMPLETED + "\"", "\"image_count\":60");
    }

    @Test
    void shouldAnswer404WithAJsonErrorForAnUnknownOrder() throws Exception {
        int port = serve(new MapLookup());

        HttpResponse<String> response = get(port, "/jobs/no-such-order");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .startsWith("application/json");
        assertThat(response.body()).contains("\"error\":\"not_found\"", "no-such-order");
    }

    @Test
    void shouldAnswer400ForAMalformedHeadshotsId() throws Exception {
        int port = serve(new MapLookup());

        HttpResponse<String> response = get(port, "/jobs/by-headshots-id/1-2-3-4-5");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"bad_request\"");
    }

    @Test
    void shouldAnswer400ForAnOrderIdWithControlCharacters() throws Exception {
        int port = serve(new MapLookup());

        HttpResponse<String> response = get(port, "/jobs/order%0A1");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"error\":\"bad_request\"");
    }

    @Test
    void shouldAnswer503WhileTheStoreIsNotQueryable() throws Exception {
        MapLookup lookup = new MapLookup();
        lookup.unavailable = "rebalancing";
        int port = serve(lookup);

        HttpResponse<String> response = get(port, "/jobs/order-1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(response.body()).contains("\"error\":\"unavailable\"");
    }

    @Test
    void shouldForwardARequestToTheInstanceHoldingTheKey() throws Exception {
        MapLookup owner = new MapLookup();
        owner.byOrder.put("order 7/ü", submitted("order 7/ü"));
        int ownerPort = serve(owner);
        MapLookup other = new MapLookup();
        other.elsewhere.put("order 7/ü", new HostInfo("127.0.0.1", ownerPort));
        int otherPort = serve(other);

        HttpResponse<String> response = get(otherPort, "/jobs/" + UriEncoding.pathSegment("order 7/ü"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"order_id\":\"order 7/ü\"");
    }

    @Test
    void shouldNotForwardAForwardedRequestAgain() throws Exception {
        MapLookup a = new MapLookup();
        MapLookup b = new MapLookup();
        int portA = serve(a);
        int portB = serve(b);
        a.elsewhere.put("order-1", new HostInfo("127.0.0.1", portB));
        b.elsewhere.put("order-1", new HostInfo("127.0.0.1", portA));

        HttpResponse<String> response = get(portA, "/jobs/order-1");

        assertThat(response.statusCode())
                .as("B believes A holds it: no ping-pong")
                .isEqualTo(503);
        assertThat(response.body()).contains("moving between instances");
        assertThat(response.headers().firstValue("Retry-After"))
                .as("relayed with B's answer")
                .contains("1");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheHolderDoesNotAnswer() throws Exception {
        MapLookup other = new MapLookup();
        int gone;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            gone = socket.getLocalPort();
        }
        other.elsewhere.put("order-1", new HostInfo("127.0.0.1", gone));
        int port = serve(other);

        HttpResponse<String> response = get(port, "/jobs/order-1");

        assertThat(response.statusCode())
                .as("the holder has left: its stores are moving")
                .isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(response.body()).contains("\"error\":\"unavailable\"").contains("does not answer");
    }
}
