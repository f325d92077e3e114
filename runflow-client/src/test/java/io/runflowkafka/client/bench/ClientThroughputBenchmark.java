package io.runflowkafka.client.bench;

import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The processor's load shape, client against emulator on loopback: a fixed number of score calls kept
 * in flight (each completion starts the next) against an added latency, for a bounded time. Not a
 * test: run on purpose, it prints its figures. Arguments: in-flight (1024), latency ms (200), seconds (20).
 */
public final class ClientThroughputBenchmark {

    private ClientThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int inFlight = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        try (RunflowEmulator emulator = RunflowEmulator.builder()
                        .faults(FaultSettings.NONE.withLatency(LatencySpec.fixed(Duration.ofMillis(latencyMs))))
                        .build()
                        .start();
                RunflowClient client = new RunflowClient(RunflowClientConfig.builder()
                        .baseUrl(emulator.baseUrl())
                        .apiKey(RunflowEmulator.DEFAULT_API_KEY)
                        .maxConnectionsPerDestination(inFlight)
                        .build())) {
            String image = emulator.sampleUrl("small.jpg");
            if (System.getenv("RUNFLOW_BASE_URL") != null) {
                // Against an emulator in its own process, e.g. started with --latency 200.
                try (RunflowClient external = new RunflowClient(
                        client.config().withBaseUrl(java.net.URI.create(System.getenv("RUNFLOW_BASE_URL"))))) {
                    String externalImage = System.getenv("RUNFLOW_BASE_URL") + "/sandbox/samples/small.jpg";
                    run(external, externalImage, inFlight, 5);
                    long[] result = run(external, externalImage, inFlight, seconds);
                    System.out.printf(
                            "external emulator, in-flight %d, %d s: %d ok, %d failed, %.0f calls/s, p50 %d ms,"
                                    + " p99 %d ms%n",
                            inFlight,
                            seconds,
                            result[0],
                            result[1],
                            result[0] / (double) seconds,
                            result[2],
                            result[3]);
                }
                return;
            }
            client.scoreImageUrl(image).get();
            run(client, image, inFlight, 5);
            long[] result = run(client, image, inFlight, seconds);
            System.out.printf(
                    "in-flight %d, added latency %d ms, %d s: %d calls ok, %d failed, %.0f calls/s,"
                            + " p50 %d ms, p99 %d ms, client threads %d%n",
                    inFlight,
                    latencyMs,
                    seconds,
                    result[0],
                    result[1],
                    result[0] / (double) seconds,
                    result[2],
                    result[3],
                    result[4]);
        }
    }

    private static long[] run(RunflowClient client, String image, int inFlight, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLongArray histogram = new AtomicLongArray(10_000);
        AtomicInteger running = new AtomicInteger(inFlight);
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < inFlight; i++) {
            next(client, image, deadline, ok, failed, histogram, running, done);
        }
        done.await();
        long threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("runflow-client"))
                .count();
        return new long[] {ok.get(), failed.get(), percentile(histogram, 0.50), percentile(histogram, 0.99), threads};
    }

    private static void next(
            RunflowClient client,
            String image,
            long deadline,
            AtomicLong ok,
            AtomicLong failed,
            AtomicLongArray histogram,
            AtomicInteger running,
            CountDownLatch done) {
        if (System.nanoTime() >= deadline) {
            if (running.decrementAndGet() == 0) {
                done.countDown();
            }
            return;
        }
        long start = System.nanoTime();
        client.scoreImageUrl(image).whenComplete((score, error) -> {
            int millis = (int) Math.min(9_999, (System.nanoTime() - start) / 1_000_000);
            histogram.incrementAndGet(millis);
            (error == null ? ok : failed).incrementAndGet();
            next(client, image, deadline, ok, failed, histogram, running, done);
        });
    }

    private static long percentile(AtomicLongArray histogram, double fraction) {
        long[] counts = new long[histogram.length()];
        Arrays.setAll(counts, histogram::get);
        long total = Arrays.stream(counts).sum();
        long seen = 0;
        for (int ms = 0; ms < counts.length; ms++) {
            seen += counts[ms];
            if (seen >= Math.ceil(total * fraction)) {
                return ms;
            }
        }
        return counts.length;
    }
}
