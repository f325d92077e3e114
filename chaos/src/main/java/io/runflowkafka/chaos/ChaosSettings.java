package io.runflowkafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One chaos run's parameters.
 *
 * @param seed draws the uploads and the fault schedule; printed, so a run can be repeated
 * @param duration how long faults are injected (the mandatory ones always run, even past it)
 * @param uploads uploads fed
 * @param orders orders they belong to
 * @param feedPeriod over how long the uploads are spread
 * @param settle longest wait, after the last fault, for the pipeline to drain
 * @param minKills SIGKILLs of service instances at least
 * @param duplicateRate share of acknowledged callbacks sent a second time
 * @param pause how long a paused processor stays stopped (past its 6 s session time-out)
 * @param dir where brokers, state, archive and logs live
 */
record ChaosSettings(
        long seed,
        Duration duration,
        int uploads,
        int orders,
        Duration feedPeriod,
        Duration settle,
        int minKills,
        double duplicateRate,
        Duration pause,
        Path dir) {

    /** The short run CI does: fixed seed, about 2–3 minutes of faults and drain, one fault of each kind at least. */
    static ChaosSettings shortRun(Path dir) {
        return new ChaosSettings(
                13L,
                Duration.ofSeconds(75),
                300,
                30,
                Duration.ofSeconds(80),
                Duration.ofSeconds(150),
                4,
                0.25,
                Duration.ofSeconds(12),
                dir);
    }

    /** The long run's defaults ({@code bench/chaos.sh} without options). */
    static ChaosSettings longRun(Path dir, long seed) {
        return new ChaosSettings(
                seed,
                Duration.ofMinutes(15),
                3000,
                300,
                Duration.ofMinutes(12),
                Duration.ofMinutes(5),
                30,
                0.2,
                Duration.ofSeconds(15),
                dir);
    }

    /** Parses {@code --short --seed N --duration 15m --uploads N --orders N --settle 5m --min-kills N --dir D}. */
    static ChaosSettings parse(String[] args) {
        Path dir = Path.of("target", "chaos");
        Long seed = null;
        Duration duration = null;
        Duration settle = null;
        Integer uploads = null;
        Integer orders = null;
        Integer minKills = null;
        boolean isShort = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--short")) {
                isShort = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--seed" -> seed = Long.parseLong(value);
                case "--duration" -> duration = duration(value);
                case "--settle" -> settle = duration(value);
                case "--uploads" -> uploads = Integer.parseInt(value);
                case "--orders" -> orders = Integer.parseInt(value);
                case "--min-kills" -> minKills = Integer.parseInt(value);
                case "--dir" -> dir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        // Without --seed the short run keeps its fixed seed and the long run takes one from the clock.
        ChaosSettings s = isShort ? shortRun(dir) : longRun(dir, System.currentTimeMillis() % 100_000);
        Duration d = duration == null ? s.duration : duration;
        Duration feed = duration == null ? s.feedPeriod : Duration.ofMillis(d.toMillis() * 4 / 5);
        return new ChaosSettings(
                seed == null ? s.seed : seed,
                d,
                uploads == null ? s.uploads : uploads,
                orders == null ? s.orders : orders,
                feed,
                settle == null ? s.settle : settle,
                minKills == null ? s.minKills : minKills,
                s.duplicateRate,
                s.pause,
                s.dir);
    }

    /** {@code 90}, {@code 90s}, {@code 15m}, {@code 1h} or ISO-8601 {@code PT15M}. */
    static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("pt")) {
            return Duration.parse(text.trim());
        }
        if (value.endsWith("h")) {
            return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.endsWith("s")) {
            value = value.substring(0, value.length() - 1);
        }
        return Duration.ofSeconds(Long.parseLong(value));
    }
}
