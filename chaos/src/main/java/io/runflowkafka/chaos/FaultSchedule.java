package io.runflowkafka.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The run's fault schedule, drawn from the seed: every kind once in an order the seed shuffles, then random faults
 * (65 in 100 a SIGKILL) until the duration is over and at least the minimum of SIGKILLs happened, with 1–4 s
 * between faults.
 */
final class FaultSchedule {

    private static final Fault[] NOT_KILLS = {
        Fault.PAUSE_PROCESSOR,
        Fault.KILL_BROKER,
        Fault.SCALE_OUT,
        Fault.RUNFLOW_BURST,
        Fault.RUNFLOW_OUTAGE,
        Fault.REGISTRY_OUTAGE
    };

    private final SplittableRandom random;
    private final ChaosSettings settings;
    private final FaultInjector faults;

    /** {@code random} is the one the injector draws its victims from, so one seed orders every draw. */
    FaultSchedule(SplittableRandom random, ChaosSettings settings, FaultInjector faults) {
        this.random = random;
        this.settings = settings;
        this.faults = faults;
    }

    /** Injects faults until the schedule is over or {@code stopped} says the run is being stopped. */
    void run(BooleanSupplier stopped) {
        List<Fault> mandatory = new ArrayList<>(List.of(Fault.values()));
        // Shuffle with the run's own random, so the seed decides the order.
        for (int i = mandatory.size() - 1; i > 0; i--) {
            Collections.swap(mandatory, i, random.nextInt(i + 1));
        }
        long start = System.nanoTime();
        long window = settings.duration().toNanos();
        int n = 0;
        while (!stopped.getAsBoolean()) {
            Fault fault;
            if (n < mandatory.size()) {
                fault = mandatory.get(n);
            } else if (System.nanoTime() - start < window || faults.kills() < settings.minKills()) {
                fault = faults.kills() < settings.minKills() && System.nanoTime() - start >= window
                        ? pickKill()
                        : pickAny();
            } else {
                break;
            }
            n++;
            faults.inject(fault);
            Hold.hold(Duration.ofMillis(1000 + random.nextInt(3000)), "a gap between faults");
        }
    }

    private Fault pickKill() {
        return switch (random.nextInt(3)) {
            case 0 -> Fault.KILL_PROCESSOR;
            case 1 -> Fault.KILL_BRIDGE;
            default -> Fault.KILL_SINK;
        };
    }

    private Fault pickAny() {
        double draw = random.nextDouble();
        if (draw < 0.65) {
            return pickKill();
        }
        return NOT_KILLS[random.nextInt(NOT_KILLS.length)];
    }
}
