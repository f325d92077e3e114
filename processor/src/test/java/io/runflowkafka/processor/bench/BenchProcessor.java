package io.runflowkafka.processor.bench;

import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.gate.RunflowScorer;
import io.runflowkafka.processor.gate.Scorer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * The processor under test in {@link ScoreThroughputBench}, run in its own JVM (with its own heap cap):
 * {@code async} is the processor as shipped; {@code sync} is the same topology whose scorer blocks the
 * stream thread for each call, the naive design. Configuration comes from the environment.
 */
public final class BenchProcessor {

    private BenchProcessor() {
    }

    public static void main(String[] args) throws InterruptedException {
        boolean blocking = args.length > 0 && args[0].equals("sync");
        ProcessorConfig config = ProcessorConfig.load(Optional.empty(), System.getenv());
        int maxInFlight = config.maxInFlight();
        RunflowClient client = new RunflowClient(RunflowClientConfig.builder()
                .baseUrl(System.getenv("RUNFLOW_BASE_URL"))
                .apiKey(System.getenv("RUNFLOW_API_KEY"))
                .requestTimeout(Duration.ofSeconds(30))
                .maxConnectionsPerDestination(maxInFlight)
                .maxRequestsQueuedPerDestination(Math.max(1024, 2 * maxInFlight))
                .build());
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Scorer real = new RunflowScorer(client, () -> {
            throw new IllegalStateException("no s3 in the benchmark");
        }, false, Runnable::run);
        Scorer timed = upload -> {
            long start = System.nanoTime();
            return real.score(upload).whenComplete((r, e) -> latencies.add(System.nanoTime() - start));
        };
        Scorer scorer = blocking ? upload -> blockingCall(timed, upload) : timed;
        ProcessorApp app = ProcessorApp.start(config, scorer);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            client.close();
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))];
            System.out.printf("BENCH calls=%d p99_ms=%.1f heap_max_mb=%d%n", sorted.length, p99 / 1e6,
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.flush();
            closed.countDown();
        }));
        System.out.println("BENCH started " + Arrays.toString(args));
        closed.await();
    }

    private static CompletableFuture<ScoreResult> blockingCall(Scorer scorer, io.runflowkafka.schema.UploadEvent upload) {
        try {
            return CompletableFuture.completedFuture(scorer.score(upload).join());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e.getCause() == null ? e : e.getCause());
        }
    }
}
