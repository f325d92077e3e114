package io.runflowkafka.emulator;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads durations written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 24h}, {@code 1d}, a bare
 * number of milliseconds, or ISO-8601 ({@code PT5S}).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    // Hand-written: picocli and the JDK only read ISO-8601, which is unfriendly in flags and env vars.
    static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.startsWith("pt") || text.startsWith("p")) {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        }
        Matcher m = SIMPLE.matcher(text);
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "not a duration: " + value + " (use e.g. 250ms, 5s, 2m, 24h)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
