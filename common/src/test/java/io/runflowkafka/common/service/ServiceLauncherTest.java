package io.runflowkafka.common.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServiceLauncherTest {

    private final BlockingQueue<Thread> hooks = new LinkedBlockingQueue<>();

    /** A service that stops for good when told to, and counts its closes. */
    private static final class Service implements RunningService {
        final CompletableFuture<String> stopped = new CompletableFuture<>();
        final AtomicInteger closes = new AtomicInteger();
        final boolean closeEndsIt;

        Service(boolean closeEndsIt) {
            this.closeEndsIt = closeEndsIt;
        }

        @Override
        public CompletableFuture<String> stoppedForGood() {
            return stopped;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            if (closeEndsIt) {
                stopped.complete("closed");
            }
        }
    }

    private static ServiceLauncher<String> launcher(RunningService service) {
        return new ServiceLauncher<>(
                "test service", file -> file.map(Object::toString).orElse("defaults"), c -> c, c -> service);
    }

    @Test
    void shouldRefuseMoreThanOneArgument() {
        Service service = new Service(false);

        assertThat(launcher(service).run(new String[] {"a.properties", "b.properties"}, hooks::add))
                .isEqualTo(ServiceLauncher.EXIT_INVALID_CONFIGURATION);
        assertThat(hooks).isEmpty();
    }

    @Test
    void shouldExitTwoWhenTheConfigurationIsInvalidAtLoadOrAtStart() {
        var badLoad = new ServiceLauncher<String>(
                "test service",
                file -> {
                    throw new ConfigException("processor.max-in-flight", -1, "must be >= 1");
                },
                c -> c,
                c -> new Service(false));
        var badStart = new ServiceLauncher<String>("test service", file -> "ok", c -> c, c -> {
            throw new ConfigException("sink.archive.dir is required");
        });

        assertThat(badLoad.run(new String[0], hooks::add)).isEqualTo(ServiceLauncher.EXIT_INVALID_CONFIGURATION);
        assertThat(badStart.run(new String[0], hooks::add)).isEqualTo(ServiceLauncher.EXIT_INVALID_CONFIGURATION);
        assertThat(hooks).isEmpty();
    }

    @Test
    void shouldExitSeventyWhenTheServiceStopsOnItsOwn() throws Exception {
        Service service = new Service(false);
        CompletableFuture<Integer> status =
                CompletableFuture.supplyAsync(() -> launcher(service).run(new String[0], hooks::add));

        // The hook is registered once the service runs, just before the launcher waits on it.
        Thread hook = hooks.poll(10, TimeUnit.SECONDS);
        assertThat(hook).as("the shutdown hook, registered once").isNotNull();
        assertThat(status).isNotDone();
        service.stopped.complete("Kafka Streams reached its ERROR state");

        assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(ServiceLauncher.EXIT_STOPPED_FOR_GOOD);
        assertThat(service.closes).hasValue(1);
        assertThat(hooks).isEmpty();
    }

    @Test
    void shouldReturnZeroWhenTheShutdownHookClosedTheService() throws Exception {
        Service service = new Service(true);
        CompletableFuture<Integer> status =
                CompletableFuture.supplyAsync(() -> launcher(service).run(new String[0], hooks::add));
        Thread hook = hooks.poll(10, TimeUnit.SECONDS);
        assertThat(hook).as("the shutdown hook").isNotNull();
        hook.start();
        hook.join(10_000);

        assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(service.closes).hasValue(1);
    }

    @Test
    void shouldPassTheFileArgumentToTheLoader() {
        var seen = new CopyOnWriteArrayList<Optional<String>>();
        Service service = new Service(false);
        service.stopped.complete("done");
        var launcher = new ServiceLauncher<String>(
                "test service",
                file -> {
                    seen.add(file.map(Object::toString));
                    return "loaded";
                },
                c -> c,
                c -> service);

        launcher.run(new String[] {"service.properties"}, hooks::add);

        assertThat(seen).containsExactly(Optional.of("service.properties"));
    }

    @Test
    void shouldExitSeventyWhenTheServiceCannotStartForAnotherReason() {
        var unreachable = new ServiceLauncher<String>("test service", file -> "ok", c -> c, c -> {
            throw new IllegalStateException("no broker at 127.0.0.1:9092");
        });

        assertThat(unreachable.run(new String[0], hooks::add)).isEqualTo(ServiceLauncher.EXIT_STOPPED_FOR_GOOD);
        assertThat(hooks).isEmpty();
    }
}
