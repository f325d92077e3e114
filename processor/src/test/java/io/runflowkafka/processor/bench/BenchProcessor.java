package io.runflowkafka.processor.bench;

import com.sun.management.OperatingSystemMXBean;
import io.runflowkafka.client.RunflowClient;
import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.client.ScoreResult;
import io.runflowkafka.processor.ProcessorApp;
import io.runflowkafka.processor.ProcessorConfig;
import io.runflowkafka.processor.gate.RunflowScorer;
import io.runflowkafka.processor.gate.Scorer;
import io.runflowkafka.schema.UploadEvent;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor under test in {@link ScoreThroughputBench}, run in its own JVM (with its own heap cap):
 * {@code async} is the processor as shipped; {@code sync} is the same topology whose scorer blocks the
 * stream thread for each call, the naive design; {@code http N GOOD_URL DARK_URL} makes N score calls with the same
 * client and scorer at the same concurrency, without Kafka (the HTTP bound). Configuration comes from the environment.
 */
public final class BenchProcessor {

    private BenchProcessor() {}

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
        Scorer real = new RunflowScorer(
                client,
                () -> {
                    throw new IllegalStateException("no s3 in the benchmark");
                },
                false,
                Runnable::run);
        Scorer timed = upload -> {
            long start = System.nanoTime();
            return real.score(upload).whenComplete((r, e) -> latencies.add(System.nanoTime() - start));
        };
        if (args.length > 0 && args[0].equals("http")) {
            int calls = Integer.parseInt(args[1]);
            // The first third untimed, as in the Kafka run's window: this JVM's JIT compiles the client's code.
            httpPass(real, maxInFlight, calls / 3, args[2], args[3], false);
            httpPass(real, maxInFlight, calls - calls / 3, args[2], args[3], true);
            client.close();
            return;
        }
        Scorer scorer = blocking ? upload -> blockingCall(timed, upload) : timed;
        ProcessorApp app = ProcessorApp.start(config, scorer);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            client.close();
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))];
            System.out.printf(
                    "BENCH calls=%d p99_ms=%.1f heap_max_mb=%d%n",
                    sorted.length, p99 / 1e6, Runtime.getRuntime().maxMemory() >> 20);
            System.out.flush();
            closed.countDown();
        }));
        System.out.println("BENCH started " + Arrays.toString(args));
        closed.await();
    }

    /** Plain asynchronous score calls, {@code maxInFlight} at a time, timed from the first answer to the last. */
    private static void httpPass(Scorer scorer, int maxInFlight, int calls, String good, String dark, boolean report)
            throws InterruptedException {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Semaphore slots = new Semaphore(maxInFlight);
        CountDownLatch done = new CountDownLatch(calls);
        long[] latencies = new long[calls];
        AtomicLong firstNanos = new AtomicLong();
        AtomicLong firstCpu = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        for (int n = 0; n < calls; n++) {
            slots.acquire();
            int call = n;
            long start = System.nanoTime();
            UploadEvent upload = UploadEvent.newBuilder()
                    .setUploadId("upload-" + n)
                    .setOrderId("order-" + n)
                    .setUserId("user-" + n)
                    .setImageUri(n % 5 == 0 ? dark : good)
                    .setUploadedAt(Instant.now())
                    .build();
            scorer.score(upload).whenComplete((result, failure) -> {
                long now = System.nanoTime();
                latencies[call] = now - start;
                if (failure != null) {
                    failed.incrementAndGet();
                }
                if (firstNanos.compareAndSet(0, now)) {
                    firstCpu.set(os.getProcessCpuTime());
                }
                slots.release();
                done.countDown();
            });
        }
        done.await();
        if (!report) {
            return;
        }
        long lastNanos = System.nanoTime();
        long cpu = os.getProcessCpuTime() - firstCpu.get();
        Arrays.sort(latencies);
        double seconds = (lastNanos - firstNanos.get()) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "BENCH http calls=%d failed=%d per_s=%.1f p99_ms=%.1f cpu_ms_per_call=%.3f%n",
                calls,
                failed.get(),
                (calls - 1) / seconds,
                latencies[Math.min(calls - 1, (int) (calls * 0.99))] / 1e6,
                cpu / 1e6 / Math.max(1, calls - 1));
        System.out.flush();
    }

    private static CompletableFuture<ScoreResult> blockingCall(Scorer scorer, UploadEvent upload) {
        try {
            return CompletableFuture.completedFuture(scorer.score(upload).join());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e.getCause() == null ? e : e.getCause());
        }
    }
}
