package io.runflowkafka.emulator;

import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Added latency: fixed, or drawn per request from a distribution. Text form (milliseconds):
 * {@code 200}, {@code fixed:200}, {@code uniform:100-300}, {@code normal:200,50} (mean, standard
 * deviation; negative draws count as 0) or {@code exponential:200} (mean).
 *
 * @param kind the distribution
 * @param first fixed value, lower bound or mean, in ms
 * @param second upper bound or standard deviation in ms (0 when unused)
 */
public record LatencySpec(Kind kind, double first, double second) {

    /** The distributions available. */
    public enum Kind {
        /** Always {@code first} ms. */
        FIXED,
        /** Uniform between {@code first} and {@code second} ms. */
        UNIFORM,
        /** Normal with mean {@code first} and standard deviation {@code second} ms. */
        NORMAL,
        /** Exponential with mean {@code first} ms. */
        EXPONENTIAL
    }

    /** No added latency. */
    public static final LatencySpec NONE = new LatencySpec(Kind.FIXED, 0, 0);

    /** Checks the parameters. */
    public LatencySpec {
        if (kind == null
                || first < 0
                || second < 0
                || Double.isNaN(first)
                || Double.isNaN(second)
                || (kind == Kind.UNIFORM && second < first)) {
            throw new IllegalArgumentException("invalid latency " + kind + "(" + first + ", " + second + ")");
        }
    }

    /**
     * A fixed latency.
     *
     * @param latency the latency
     * @return the spec
     */
    public static LatencySpec fixed(Duration latency) {
        return new LatencySpec(Kind.FIXED, latency.toNanos() / 1e6, 0);
    }

    /**
     * Parses the text form (see the type's documentation).
     *
     * @param text e.g. {@code uniform:100-300}
     * @return the spec
     */
    public static LatencySpec parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT).replace("ms", "");
        try {
            int colon = value.indexOf(':');
            if (colon < 0) {
                return new LatencySpec(Kind.FIXED, Double.parseDouble(value), 0);
            }
            String name = value.substring(0, colon);
            String args = value.substring(colon + 1);
            return switch (name) {
                case "fixed" -> new LatencySpec(Kind.FIXED, Double.parseDouble(args), 0);
                case "uniform" -> {
                    String[] parts = args.split("-", 2);
                    yield new LatencySpec(Kind.UNIFORM, Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
                }
                case "normal" -> {
                    String[] parts = args.split(",", 2);
                    yield new LatencySpec(Kind.NORMAL, Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
                }
                case "exponential", "exp" -> new LatencySpec(Kind.EXPONENTIAL, Double.parseDouble(args), 0);
                default -> throw new IllegalArgumentException("unknown latency distribution " + name);
            };
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    "latency must look like 200, uniform:100-300, normal:200,50 or " + "exponential:200 but was "
                            + text,
                    e);
        }
    }

    /** Draws one latency. */
    Duration sample(RandomGenerator random) {
        double millis = switch (kind) {
            case FIXED -> first;
            case UNIFORM -> first + (second - first) * random.nextDouble();
            case NORMAL -> Math.max(0, first + second * random.nextGaussian());
            case EXPONENTIAL -> -first * Math.log(1.0 - random.nextDouble());
        };
        return Duration.ofNanos((long) (millis * 1_000_000));
    }

    /** Whether this adds no latency at all. */
    public boolean isNone() {
        return kind == Kind.FIXED && first == 0;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FIXED -> "fixed:" + format(first);
            case UNIFORM -> "uniform:" + format(first) + "-" + format(second);
            case NORMAL -> "normal:" + format(first) + "," + format(second);
            case EXPONENTIAL -> "exponential:" + format(first);
        };
    }

    private static String format(double millis) {
        return millis == Math.rint(millis) ? Long.toString((long) millis) : Double.toString(millis);
    }
}
