package io.runflowkafka.bridge;

import static io.runflowkafka.bridge.BridgeHarness.headshotsBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throws thousands of malformed requests at the real routes: random bytes, deep nesting, huge strings, wrong
 * types, junk headers, broken HTTP. Nothing a client sends may produce a 5xx or stop the bridge.
 */
class MalformedInputTest {

    private static final long SEED = 20260301L;
    private static final String HEADSHOTS_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 401, 404, 405, 413, 415);

    private static BridgeHarness unsigned;
    private static BridgeHarness signed;

    @BeforeAll
    static void start() {
        unsigned = BridgeHarness.autoAck();
        signed = BridgeHarness.signed(BridgeHarness.SIGNING_SECRET);
    }

    @AfterAll
    static void stop() {
        unsigned.close();
        signed.close();
    }

    @Test
    void shouldAnswerThousandsOfMalformedBodiesWithA4xxAndNever5xx() throws Exception {
        Random random = new Random(SEED);
        List<Supplier<byte[]>> generators = generators(random);
        Map<Integer, Integer> statuses = new TreeMap<>();
        int requests = 0;
        for (int round = 0; round < 300; round++) {
            for (Supplier<byte[]> generator : generators) {
                byte[] body = generator.get();
                String kind = random.nextBoolean() ? "headshots" : "runs";
                HttpResponse<String> answer =
                        unsigned.post(unsigned.callbackUrl(kind, "job-fuzz"), "application/json", body, Map.of());
                statuses.merge(answer.statusCode(), 1, Integer::sum);
                requests++;
                assertThat(answer.statusCode())
                        .as("status for a %s body of %d bytes starting %s", kind, body.length, preview(body))
                        .isLessThan(500);
                if (answer.statusCode() != 200) {
                    assertThat(answer.statusCode()).isIn(CLIENT_ERRORS);
                    assertThat(answer.body()).startsWith("{\"error\":");
                }
            }
        }
        assertThat(requests).isGreaterThanOrEqualTo(3_000);
        assertThat(statuses)
                .as("every generator was refused at least sometimes")
                .containsKey(400);
        assertStillServing(unsigned);
    }

    @Test
    void shouldAnswerJunkSignatureHeadersWith401AndNever5xx() throws Exception {
        Random random = new Random(SEED + 1);
        byte[] body = headshotsBody(HEADSHOTS_ID, 3).getBytes(StandardCharsets.UTF_8);
        String[] ids = {"", " ", "msg_1", "x".repeat(4_000), "\u00e9t\u00e9", "msg,1 v1,2"};
        String[] timestamps = {
            "",
            "0",
            "-1",
            "99999999999999999999",
            "1e9",
            "abc",
            " 1700000000",
            "NaN",
            Long.toString(System.currentTimeMillis() / 1000)
        };
        String[] signatures = {
            "",
            "v1",
            "v1,",
            ",",
            "v1,====",
            "v2,abc",
            "v1,abc v1,def",
            " ".repeat(100),
            "v1," + "A".repeat(4_000),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        };
        for (int i = 0; i < 500; i++) {
            Map<String, String> headers = new TreeMap<>();
            if (random.nextInt(5) > 0) {
                headers.put("webhook-id", ids[random.nextInt(ids.length)]);
            }
            if (random.nextInt(5) > 0) {
                headers.put("webhook-timestamp", timestamps[random.nextInt(timestamps.length)]);
            }
            if (random.nextInt(5) > 0) {
                headers.put("webhook-signature", signatures[random.nextInt(signatures.length)]);
            }
            headers.values().removeIf(String::isEmpty);
            HttpResponse<String> answer;
            try {
                answer = signed.post(signed.callbackUrl("headshots", "job-sig"), "application/json", body, headers);
            } catch (IllegalArgumentException notSendable) {
                continue; // java.net.http refuses some header values itself; nothing reached the bridge
            }
            // 431: Jetty refuses header blocks over its 8 KiB limit before the bridge sees them.
            assertThat(answer.statusCode()).as("headers %s", headers.keySet()).isIn(401, 431);
        }
        assertThat(signed.producer.history()).isEmpty();
    }

    @Test
    void shouldAnswerBrokenHttpWithoutA5xx() throws Exception {
        String token = unsigned.tokens.sign("job-raw");
        String good = "/webhooks/runflow/headshots/job-raw/" + token;
        String body = headshotsBody(HEADSHOTS_ID, 1);
        List<String> requests = List.of(
                post("/webhooks/runflow/headshots/%zz/" + token, body),
                post("/webhooks/runflow/headshots/job-raw/%G0%", body),
                post("/webhooks/runflow/headshots/%C0%AF/" + token, body),
                post("/webhooks/runflow/headshots/job%00raw/" + token, body),
                post("/webhooks/runflow/headshots/../../health/live/" + token, body),
                post("/webhooks/runflow/headshots/job-raw/" + token + "?x=%zz", body),
                post("/webhooks/runflow/headshots/" + "j".repeat(20_000) + "/" + token, body),
                post("/webhooks/runflow/runs/%E2%82/" + token, body),
                "POST " + good + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n"
                        + body,
                "POST " + good + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n"
                        + body,
                "POST " + good
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n"
                        + body,
                "POST " + good
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                "POST " + good
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\nabc\r\n",
                "POST " + good
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"event\"",
                "POST " + good + " HTTP/1.1\r\nHost: x\r\nbroken header line\r\n\r\n",
                "POST " + good + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + "a".repeat(10_000) + "\r\n\r\n",
                "POST " + good + " HTTP/9.9\r\nHost: x\r\n\r\n",
                "BREW " + good + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "\u0000\u0001\u0002 garbage\r\n\r\n",
                "POST " + good + "\r\n\r\n");
        for (String request : requests) {
            String statusLine = exchange(request);
            String requestLine = request.substring(0, Math.max(0, request.indexOf('\r')));
            if (requestLine.startsWith("POST ") && !requestLine.endsWith(" HTTP/1.1")) {
                // The one 5xx Jetty's parser owes a client: RFC 9110 answers an unsupported version with 505.
                assertThat(statusLine).startsWith("HTTP/1.1 505");
                continue;
            }
            assertThat(statusLine)
                    .as(preview(request.getBytes(StandardCharsets.ISO_8859_1)))
                    .satisfiesAnyOf(
                            line -> assertThat(line).isEmpty(), // the server closed the connection: fine
                            line -> assertThat(line).matches("HTTP/1\\.[01] [1-4]\\d\\d.*"));
        }
        assertStillServing(unsigned);
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** Sends raw bytes and returns the response's status line, or "" when the server closed without one. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", unsigned.app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // The server may refuse and close before reading everything we send.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            try {
                while ((b = in.read()) != -1 && b != '\n') {
                    line.write(b);
                }
            } catch (IOException reset) {
                // Connection reset after a refusal: as good as a close.
            }
            return line.toString(StandardCharsets.ISO_8859_1).strip();
        }
    }

    private static void assertStillServing(BridgeHarness bridge) throws Exception {
        assertThat(bridge.get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> valid =
                bridge.post(bridge.callbackUrl("headshots", "job-after"), headshotsBody(HEADSHOTS_ID, 60));
        assertThat(valid.statusCode()).isEqualTo(200);
    }

    private static String preview(byte[] body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(40, body.length); i++) {
            int c = body[i] & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\x%02x", c));
        }
        return out.toString();
    }

    /** Ten kinds of malformed body; each call returns a fresh one. */
    private static List<Supplier<byte[]>> generators(Random random) {
        List<Supplier<byte[]>> generators = new ArrayList<>();
        // 1. Random bytes.
        generators.add(() -> {
            byte[] bytes = new byte[random.nextInt(4_096)];
            random.nextBytes(bytes);
            return bytes;
        });
        // 2. Deep nesting of arrays or objects, up to 200k levels.
        generators.add(() -> {
            int depth = 1 + random.nextInt(200_000);
            String open = random.nextBoolean() ? "[" : "{\"a\":";
            return (open.repeat(depth)).getBytes(StandardCharsets.UTF_8);
        });
        // 3. Nesting inside an otherwise valid callback.
        generators.add(() -> ("{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                        + "\",\"image_urls\":" + "[".repeat(1 + random.nextInt(5_000)) + "]}")
                .getBytes(StandardCharsets.UTF_8));
        // 4. Huge strings in every field position.
        generators.add(() -> {
            String huge = "x".repeat(10_000 + random.nextInt(500_000));
            String[] shapes = {
                "{\"event\":\"" + huge + "\"}",
                "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + huge
                        + "\",\"image_urls\":[\"https://a.b/c\"]}",
                "{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID
                        + "\",\"image_urls\":[\"https://a.b/" + huge + "\"]}",
                "{\"" + huge + "\":1}",
                "{\"id\":\"" + huge + "\",\"status_code\":\"ok\"}",
            };
            return shapes[random.nextInt(shapes.length)].getBytes(StandardCharsets.UTF_8);
        });
        // 5. Wrong types for each field.
        generators.add(() -> {
            String[] values = {
                "null",
                "true",
                "0",
                "-0",
                "1e400",
                "123456789012345678901234567890",
                "[]",
                "{}",
                "[null]",
                "\"\"",
                "\"\\u0000\"",
                "[{\"a\":1}]",
                "\"\\ud800\"",
                "[1,2,3]",
                "{\"x\":[]}"
            };
            String event = random.nextInt(3) == 0 ? values[random.nextInt(values.length)] : "\"headshots.completed\"";
            String id = random.nextInt(3) == 0 ? values[random.nextInt(values.length)] : "\"" + HEADSHOTS_ID + "\"";
            String urls = random.nextInt(3) == 0
                    ? values[random.nextInt(values.length)]
                    : "[" + values[random.nextInt(values.length)] + "]";
            return ("{\"event\":" + event + ",\"headshots_id\":" + id + ",\"image_urls\":" + urls + ",\"id\":" + id
                            + ",\"status_code\":" + values[random.nextInt(values.length)] + ",\"output\":"
                            + values[random.nextInt(values.length)] + "}")
                    .getBytes(StandardCharsets.UTF_8);
        });
        // 6. Token soup.
        generators.add(() -> {
            String[] tokens = {
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\"",
                "\\",
                "\"a\"",
                "1",
                "-",
                "e",
                "true",
                "nul",
                "\u0000",
                "\u2028",
                "\ud83d\ude00",
                "/*",
                "*/",
                "NaN",
                "Infinity",
                " ",
                "\n"
            };
            StringBuilder soup = new StringBuilder();
            for (int i = random.nextInt(300); i > 0; i--) {
                soup.append(tokens[random.nextInt(tokens.length)]);
            }
            return soup.toString().getBytes(StandardCharsets.UTF_8);
        });
        // 7. Invalid UTF-8 inside valid-looking JSON: lone surrogates, overlong forms, truncated sequences, BOMs.
        generators.add(() -> {
            byte[][] bad = {
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xE2, (byte) 0x82},
                {(byte) 0xFF},
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
            };
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] prefix = "{\"event\":\"headshots.completed\",\"headshots_id\":\"".getBytes(StandardCharsets.UTF_8);
            out.write(prefix, 0, prefix.length);
            byte[] chosen = bad[random.nextInt(bad.length)];
            out.write(chosen, 0, chosen.length);
            byte[] suffix = "\",\"image_urls\":[\"https://a.b/c\"]}".getBytes(StandardCharsets.UTF_8);
            out.write(suffix, 0, suffix.length);
            return out.toByteArray();
        });
        // 8. Valid structure, random URL text.
        generators.add(() -> {
            StringBuilder url = new StringBuilder(random.nextBoolean() ? "https://" : "");
            for (int i = random.nextInt(80); i > 0; i--) {
                char c = (char) (random.nextBoolean() ? 0x20 + random.nextInt(0x5f) : random.nextInt(0x3000));
                if (c == '"' || c == '\\' || c < 0x20) {
                    c = '%';
                }
                url.append(c);
            }
            return ("{\"event\":\"headshots.completed\",\"headshots_id\":\"" + HEADSHOTS_ID + "\",\"image_urls\":[\""
                            + url + "\"]}")
                    .getBytes(StandardCharsets.UTF_8);
        });
        // 9. A valid body with one random byte flipped.
        generators.add(() -> {
            byte[] body = headshotsBody(HEADSHOTS_ID, 5).getBytes(StandardCharsets.UTF_8);
            body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            return body;
        });
        // 10. A valid body cut short.
        generators.add(() -> {
            byte[] body = headshotsBody(HEADSHOTS_ID, 5).getBytes(StandardCharsets.UTF_8);
            byte[] cut = new byte[random.nextInt(body.length)];
            System.arraycopy(body, 0, cut, 0, cut.length);
            return cut;
        });
        return generators;
    }
}
