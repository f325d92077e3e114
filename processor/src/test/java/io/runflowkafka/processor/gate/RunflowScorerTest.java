package io.runflowkafka.processor.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.processor.calls.CallSettings;
import io.runflowkafka.schema.UploadEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** s3:// uploads: read from S3 and scored as bytes by the emulator; S3 failures sorted into wait or dead-letter. */
class RunflowScorerTest {

    private static RunflowEmulator emulator;
    private static RunflowClient client;

    @BeforeAll
    static void start() throws Exception {
        emulator = RunflowEmulator.builder().build().start();
        client = new RunflowClient(RunflowClientConfig.builder()
                .baseUrl(emulator.baseUrl())
                .apiKey(RunflowEmulator.DEFAULT_API_KEY)
                .build());
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void shouldReadAnS3ImageAndScoreItsBytes() throws Exception {
        byte[] portrait = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(emulator.sampleUrl("portrait.jpg")))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        FakeS3 s3 = new FakeS3(() -> CompletableFuture.completedFuture(
                ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), portrait)));

        ScoreResult result =
                scorer(s3).score(upload("s3://photos/order-1/1.jpg")).get(30, TimeUnit.SECONDS);

        assertThat(result.qualityScore()).isGreaterThan(0.5);
        assertThat(s3.requests).singleElement().satisfies(request -> {
            assertThat(request.bucket()).isEqualTo("photos");
            assertThat(request.key()).isEqualTo("order-1/1.jpg");
        });
    }

    @Test
    void shouldWaitWhenS3CannotBeReached() {
        Throwable failure = failureOf(new FakeS3(() -> CompletableFuture.failedFuture(
                SdkClientException.create("Unable to execute HTTP request: Connection refused"))));

        assertThat(failure)
                .isInstanceOf(RunflowScorer.ImageStoreUnavailableException.class)
                .hasMessageContaining("cannot reach S3 reading s3://photos/order-1/1.jpg");
        assertThat(CallSettings.holdingRetries().isRetryable(failure)).isTrue();
    }

    @Test
    void shouldWaitWhenS3FailsOrThrottles() {
        for (int status : List.of(500, 503, 429)) {
            Throwable failure = failureOf(new FakeS3(() -> CompletableFuture.failedFuture(S3Exception.builder()
                    .statusCode(status)
                    .awsErrorDetails(
                            AwsErrorDetails.builder().errorCode("SlowDown").build())
                    .build())));

            assertThat(failure)
                    .isInstanceOf(RunflowScorer.ImageStoreUnavailableException.class)
                    .hasMessageContaining("S3 answered HTTP " + status + " SlowDown");
            assertThat(CallSettings.holdingRetries().isRetryable(failure)).isTrue();
        }
    }

    @Test
    void shouldDeadLetterAnS3ObjectThatIsNotThere() {
        Throwable failure = failureOf(new FakeS3(() -> CompletableFuture.failedFuture(NoSuchKeyException.builder()
                .statusCode(404)
                .awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("NoSuchKey").build())
                .build())));

        assertThat(failure)
                .isInstanceOf(RunflowScorer.InvalidImageReferenceException.class)
                .hasMessage("S3 answered HTTP 404 NoSuchKey reading s3://photos/order-1/1.jpg");
        assertThat(CallSettings.holdingRetries().isRetryable(failure)).isFalse();
    }

    @Test
    void shouldDeadLetterAnInvalidBucketNameWithoutAskingS3() {
        FakeS3 s3 = new FakeS3(() -> CompletableFuture.failedFuture(SdkClientException.create("never asked")));

        Throwable failure = failureOf(s3, "s3://Photos/order-1/1.jpg");

        assertThat(failure)
                .isInstanceOf(RunflowScorer.InvalidImageReferenceException.class)
                .hasMessageContaining("not a valid S3 bucket name");
        assertThat(s3.requests).isEmpty();
    }

    private static Throwable failureOf(FakeS3 s3) {
        return failureOf(s3, "s3://photos/order-1/1.jpg");
    }

    private static Throwable failureOf(FakeS3 s3, String uri) {
        CompletableFuture<ScoreResult> scored = scorer(s3).score(upload(uri));
        try {
            scored.join();
            throw new AssertionError("expected the score to fail");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private static RunflowScorer scorer(S3AsyncClient s3) {
        return new RunflowScorer(client, () -> s3, false, Runnable::run);
    }

    private static UploadEvent upload(String uri) {
        return UploadEvent.newBuilder()
                .setUploadId("u-1")
                .setOrderId("order-1")
                .setUserId("user-1")
                .setImageUri(uri)
                .setUploadedAt(Instant.parse("2026-11-21T10:00:00Z"))
                .setAttributes(Map.of())
                .build();
    }

    /** An S3 client whose every GetObject gets the same scripted answer; records the requests. */
    private static final class FakeS3 implements S3AsyncClient {
        private final Supplier<CompletableFuture<ResponseBytes<GetObjectResponse>>> answer;
        private final List<GetObjectRequest> requests = new CopyOnWriteArrayList<>();

        FakeS3(Supplier<CompletableFuture<ResponseBytes<GetObjectResponse>>> answer) {
            this.answer = answer;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> CompletableFuture<T> getObject(
                GetObjectRequest request, AsyncResponseTransformer<GetObjectResponse, T> transformer) {
            requests.add(request);
            return (CompletableFuture<T>) answer.get();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {}
    }
}
