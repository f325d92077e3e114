package io.runflowkafka.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The sink's Prometheus metrics. The one to alert on is {@code sink_archive_expiry_margin_seconds}: how much of
 * the 24 h URL lifetime was left when a job was archived; a shrinking margin means the sink is falling behind.
 * {@code sink_images_lost_total} counts images whose URLs expired before they were archived.
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final Counter eventsArchived;
    private final Counter eventsRepeated;
    private final Counter imagesWritten;
    private final Counter imagesKept;
    private final Counter bytesArchived;
    private final Counter imagesLost;
    private final Timer downloadLatency;
    private final Timer expiryMargin;

    /** Registers the meters on {@code registry}. */
    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventsArchived = Counter.builder("sink.events.archived")
                .description("Completion events whose HeadshotsArchived was committed")
                .register(registry);
        this.eventsRepeated = Counter.builder("sink.events.repeated")
                .description(
                        "Completions of jobs already archived from an earlier record (offset committed, nothing re-emitted)")
                .register(registry);
        this.imagesWritten = Counter.builder("sink.images.archived")
                .tag("result", "written")
                .description("Images stored in the archive")
                .register(registry);
        this.imagesKept = Counter.builder("sink.images.archived")
                .tag("result", "kept")
                .description("Images stored in the archive")
                .register(registry);
        this.bytesArchived = Counter.builder("sink.bytes.archived")
                .baseUnit("bytes")
                .description("Bytes of images stored in the archive")
                .register(registry);
        this.imagesLost = Counter.builder("sink.images.lost")
                .description("Images never archived because their URLs expired or were gone")
                .register(registry);
        this.downloadLatency = Timer.builder("sink.download.latency")
                .description("Time to download and verify one image")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
        this.expiryMargin = Timer.builder("sink.archive.expiry.margin")
                .description("Time left before the image URLs expire when a job was archived")
                .serviceLevelObjectives(
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(30),
                        Duration.ofHours(1),
                        Duration.ofHours(2),
                        Duration.ofHours(4),
                        Duration.ofHours(8),
                        Duration.ofHours(12),
                        Duration.ofHours(16),
                        Duration.ofHours(20),
                        Duration.ofHours(22),
                        Duration.ofHours(23),
                        Duration.ofHours(24))
                .register(registry);
        // Registered at 0, so that the first dead letter is an increase a rule can see, not a new series.
        for (Stage stage : Stage.values()) {
            dlqCounter(stage);
        }
    }

    private Counter dlqCounter(Stage stage) {
        return Counter.builder("sink.dlq.events")
                .tag("stage", stage.label())
                .description("Completion events sent to the dead-letter topic")
                .register(registry);
    }

    /** A job's archived event was committed. */
    public void eventArchived() {
        eventsArchived.increment();
    }

    /** A repeated completion of an archived job was committed without a new archived event. */
    public void eventRepeated() {
        eventsRepeated.increment();
    }

    /** An event was committed to the DLQ. */
    public void deadLettered(Stage stage) {
        dlqCounter(stage).increment();
    }

    /** An event will be retried. */
    public void retried(Stage stage) {
        Counter.builder("sink.retries")
                .tag("stage", stage.label())
                .description("Event attempts that failed transiently and will be retried")
                .register(registry)
                .increment();
    }

    /** An image was stored ({@code written}) or found already stored with the same size and SHA-256. */
    public void imageArchived(long bytes, boolean written) {
        (written ? imagesWritten : imagesKept).increment();
        bytesArchived.increment(bytes);
    }

    /** Images whose URLs expired before they were archived. */
    public void imagesLost(int count) {
        imagesLost.increment(count);
    }

    /** One image downloaded and verified in {@code elapsed}. */
    public void downloaded(Duration elapsed) {
        downloadLatency.record(elapsed);
    }

    /** A job was archived with {@code margin} left before its URLs expire. */
    public void archivedWithMargin(Duration margin) {
        expiryMargin.record(margin.isNegative() ? Duration.ZERO : margin);
    }
}
