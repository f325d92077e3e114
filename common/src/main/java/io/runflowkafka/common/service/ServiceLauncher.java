package io.runflowkafka.common.service;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service as a process, the same way for all three: {@code main [properties-file]}, environment variables
 * over the file; stops gracefully on SIGTERM (exit 0 from the JVM's hooks), exits {@value #EXIT_INVALID_CONFIGURATION}
 * on an invalid configuration with a message naming the key, and {@value #EXIT_STOPPED_FOR_GOOD} when the service
 * cannot start for another reason or stops on its own, so that a supervisor (Kubernetes, compose's restart policy, systemd) starts it again: it does not
 * restart a process that stays up doing nothing.
 *
 * @param <C> the service's configuration
 */
public final class ServiceLauncher<C> {

    /** The exit status for an invalid configuration or command line. */
    public static final int EXIT_INVALID_CONFIGURATION = 2;
    /** The exit status of a service that stopped on its own ({@code EX_SOFTWARE} in sysexits.h). */
    public static final int EXIT_STOPPED_FOR_GOOD = 70;

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

    private final String name;
    private final Function<Optional<Path>, C> load;
    private final Function<C, String> describe;
    private final Function<C, RunningService> start;

    /**
     * @param name the service's name in log lines ({@code processor}, {@code webhook bridge}, {@code storage sink})
     * @param load reads the configuration from the optional file and the environment; throws {@link ConfigException}
     * @param describe the configuration as printed at start, secrets masked
     * @param start starts the service; throws {@link ConfigException} for a configuration it cannot run with
     */
    public ServiceLauncher(
            String name,
            Function<Optional<Path>, C> load,
            Function<C, String> describe,
            Function<C, RunningService> start) {
        this.name = name;
        this.load = load;
        this.describe = describe;
        this.start = start;
    }

    /** Runs the service until it stops, then exits the JVM with {@link #run}'s status. */
    public void main(String[] args) {
        int status = run(args, Runtime.getRuntime()::addShutdownHook);
        System.exit(status);
    }

    /**
     * Starts the service and waits until it stops for good.
     *
     * @param hooks where the shutdown hook that closes the service is registered
     * @return {@value #EXIT_INVALID_CONFIGURATION}, {@value #EXIT_STOPPED_FOR_GOOD}, or 0 once the hook has closed the
     *     service; while the service runs this does not return
     */
    int run(String[] args, Consumer<Thread> hooks) {
        if (args.length > 1) {
            System.err.println("usage: " + name + " [properties-file]");
            return EXIT_INVALID_CONFIGURATION;
        }
        RunningService service;
        try {
            C config = load.apply(args.length == 1 ? Optional.of(Path.of(args[0])) : Optional.empty());
            LOG.info("{} configuration:\n{}", name, describe.apply(config));
            service = start.apply(config);
        } catch (ConfigException e) {
            LOG.error("invalid configuration: {}", e.getMessage());
            System.err.println("invalid configuration: " + e.getMessage());
            return EXIT_INVALID_CONFIGURATION;
        } catch (RuntimeException e) {
            // A broker that cannot be reached, a port in use: the start may succeed when the supervisor retries it.
            LOG.error("the {} could not start; exiting with status {}", name, EXIT_STOPPED_FOR_GOOD, e);
            return EXIT_STOPPED_FOR_GOOD;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        hooks.accept(new Thread(
                () -> {
                    stopping.set(true);
                    LOG.info("{} stopping", name);
                    service.close();
                },
                "shutdown"));
        String reason = service.stoppedForGood().join();
        if (stopping.get()) {
            // The hook closed the service, which ended it: the JVM is exiting with the signal's status already.
            return 0;
        }
        LOG.error(
                "the {} stopped for good ({}); exiting with status {} so that it is started again",
                name,
                reason,
                EXIT_STOPPED_FOR_GOOD);
        service.close();
        return EXIT_STOPPED_FOR_GOOD;
    }
}
