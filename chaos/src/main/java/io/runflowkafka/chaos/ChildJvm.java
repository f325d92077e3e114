package io.runflowkafka.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restartable child JVM (a broker or a service instance): its main class and arguments, its environment,
 * its log file (appended across restarts). Every signal goes to this process's own PID, never by name.
 */
final class ChildJvm {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    private final String name;
    private final String mainClass;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path log;
    private final String heap;
    private Process process;
    private boolean paused;
    private boolean meantDown;
    private int starts;

    ChildJvm(String name, String mainClass, List<String> args, Map<String, String> env, Path log, String heap) {
        this.name = name;
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.log = log;
        this.heap = heap;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Whether the JVM ended without being killed or stopped by the run; its exit code, else null. */
    synchronized Integer exitedOnItsOwn() {
        return process != null && !meantDown && !process.isAlive() ? process.exitValue() : null;
    }

    /** Starts the JVM (again); a running one is left alone. */
    synchronized void start() {
        if (isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Xss512k",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        paused = false;
        meantDown = false;
        starts++;
        LOG.info("{} started (pid {}, start #{})", name, process.pid(), starts);
    }

    /** SIGKILL: no shutdown hook runs, nothing is closed or committed. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        meantDown = true;
        if (paused) {
            signal("CONT");
        }
        process.destroyForcibly();
        awaitExit(30);
        LOG.info("{} killed (SIGKILL, pid {})", name, process.pid());
    }

    /** SIGSTOP: the JVM freezes mid-flight, sockets open, as a long GC pause or a frozen VM would. */
    synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT. */
    synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    /** SIGTERM, a bounded wait for a clean exit, then SIGKILL. */
    synchronized void stop(long seconds) {
        if (process == null || !process.isAlive()) {
            return;
        }
        meantDown = true;
        if (paused) {
            resume();
        }
        process.destroy();
        if (!awaitExit(seconds)) {
            LOG.warn("{} did not stop within {} s of SIGTERM: SIGKILL", name, seconds);
            process.destroyForcibly();
            awaitExit(30);
        }
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            return;
        }
        long pid = process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
        LOG.info("{} SIG{} (pid {})", name, signal, pid);
    }

    @Override
    public String toString() {
        return name + (process == null ? "" : "[pid " + process.pid() + "]");
    }
}
