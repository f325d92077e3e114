package io.runflowkafka.common.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a service reports on {@code /health/live} and {@code /health/ready}: named components, each up or
 * down with a reason a human can act on. Ready when every component is up; live unless one is fatal.
 */
public final class Health {

    /** The state of one component. */
    public record Component(boolean up, boolean fatal, String detail) {}

    private final Map<String, Component> components = new ConcurrentHashMap<>();

    /** Marks {@code name} up. */
    public void up(String name, String detail) {
        components.put(name, new Component(true, false, detail));
    }

    /** Marks {@code name} down but recoverable: the service is not ready, still alive. */
    public void down(String name, String reason) {
        components.put(name, new Component(false, false, reason));
    }

    /** Marks {@code name} down for good: the service is neither ready nor alive and should be restarted. */
    public void fatal(String name, String reason) {
        components.put(name, new Component(false, true, reason));
    }

    /** True when every registered component is up (and at least one is registered). */
    public boolean ready() {
        return !components.isEmpty() && components.values().stream().allMatch(Component::up);
    }

    /** False once any component is fatal. */
    public boolean live() {
        return components.values().stream().noneMatch(Component::fatal);
    }

    /** A sorted copy of every component's state. */
    public Map<String, Component> components() {
        return new TreeMap<>(components);
    }
}
