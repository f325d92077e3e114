package io.runflowkafka.processor.bench;

import io.runflowkafka.emulator.FaultSettings;
import io.runflowkafka.emulator.LatencySpec;
import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.testkit.InProcessKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A service of {@link ScoreThroughputBench} in its own JVM, so that the bench can read each one's CPU time:
 * {@code broker DIR} (an in-process KRaft broker) or {@code emulator LATENCY_MS}. Prints one {@code READY …} line,
 * then serves until the JVM is terminated (the bench stops it by its PID).
 */
public final class BenchService {

    private BenchService() {}

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AutoCloseable service;
        switch (args[0]) {
            case "broker" -> {
                InProcessKafkaBroker broker = InProcessKafkaBroker.start(Path.of(args[1]));
                System.out.println("READY bootstrap=" + broker.bootstrapServers());
                service = broker;
            }
            case "emulator" -> {
                RunflowEmulator emulator = RunflowEmulator.builder()
                        .httpsPort(0)
                        .maxServerThreads(64)
                        .faults(FaultSettings.NONE.withLatency(
                                LatencySpec.fixed(Duration.ofMillis(Long.parseLong(args[1])))))
                        .build()
                        .start();
                System.out.println("READY base=" + emulator.baseUrl() + " good=" + emulator.sampleUrl("portrait.jpg")
                        + " dark=" + emulator.sampleUrl("dark.jpg"));
                service = emulator;
            }
            default -> throw new IllegalArgumentException("expected broker DIR or emulator LATENCY_MS, got " + args[0]);
        }
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
