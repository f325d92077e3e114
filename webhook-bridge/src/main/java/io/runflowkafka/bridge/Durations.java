package io.runflowkafka.bridge;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Reads durations in configuration as people write them ({@code 500ms}, {@code 5s}, {@code 24h}) or as ISO-8601 ({@code PT5S}). */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {}

    // Hand-written: the JDK parses only ISO-8601 durations and Kafka's ConfigDef has no duration type.
    static Duration parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = SIMPLE.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration (use e.g. 500ms, 5s, 2m, 24h or PT5S): " + text);
        }
    }

    /** A validator accepting durations between {@code min} and {@code max}, both inclusive. */
    static ConfigDef.Validator between(Duration min, Duration max) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                Duration duration;
                try {
                    duration = parse((String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
                if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                    throw new ConfigException(name, value, "must be between " + min + " and " + max);
                }
            }

            @Override
            public String toString() {
                return "a duration between " + min + " and " + max + " (e.g. 500ms, 5s, 2m, 24h)";
            }
        };
    }
}
