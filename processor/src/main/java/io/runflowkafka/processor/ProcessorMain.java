package io.runflowkafka.processor;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the processor: {@code processor [config.properties]}; environment variables override the file. */
public final class ProcessorMain {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorMain.class);
    /** The exit status of a processor whose Kafka Streams client reached ERROR. */
    public static final int EXIT_FAILED = 70;

    private ProcessorMain() {}

    public static void main(String[] args) throws InterruptedException {
        Optional<Path> file = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
        ProcessorConfig config = ProcessorConfig.load(file, System.getenv());
        LOG.info("processor configuration:\n{}", config.describe());
        ProcessorApp app = ProcessorApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "processor-shutdown"));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (app.failure().isDone()) {
                // A supervisor (Kubernetes, compose's restart policy, systemd) starts a process that exits; it does
                // not restart one that stays up doing nothing.
                LOG.error(
                        "the processor stopped for good ({}); exiting with status {} so that it is started again",
                        app.failure().join(),
                        EXIT_FAILED);
                System.exit(EXIT_FAILED);
            }
        }
    }
}
