package io.runflowkafka.common.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the services' background threads: named, so a thread dump says whose they are, and
 * daemons, so a component someone forgot to close never keeps the JVM alive.
 */
// Hand-written: the JDK's Thread.ofPlatform() builder is Java 21, and this is all we would take from a library.
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Every thread named {@code name}: for an executor of one thread. */
    public static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ...: for a pool. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return runnable -> daemon(runnable, prefix + "-" + next.incrementAndGet());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
