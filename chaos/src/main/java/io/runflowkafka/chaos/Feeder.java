package io.runflowkafka.chaos;

import io.runflowkafka.schema.UploadEvent;
import io.runflowkafka.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's platform: N uploads for M orders on {@code photos.uploaded}, keyed by order id: a twentieth at
 * once (to see the services up), the rest, after {@link #go()}, paced over a period so that the faults hit
 * traffic in flight. Most are good portraits, some are to retake (dark,
 * blurry), some are undecodable bytes or carry an unusable URI (both end on the DLQ). Idempotent producer,
 * {@code acks=all}.
 */
final class Feeder {

    /** Prefix of an undecodable upload's raw value; the rest is its upload id, so the checker can count it. */
    static final String UNDECODABLE_PREFIX = "chaos-undecodable:";

    private static final Logger LOG = LoggerFactory.getLogger(Feeder.class);

    private final String bootstrap;
    private final String registryUrl;
    private final String topic;
    private final List<Upload> uploads;
    private final Duration period;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean stop;

    /** One planned upload: what kind, for which order. */
    record Upload(String uploadId, String orderId, Kind kind) {}

    /** What an upload is meant to become. */
    enum Kind {
        GOOD,
        RETAKE,
        UNDECODABLE,
        UNUSABLE_URI
    }

    Feeder(String bootstrap, String registryUrl, String topic, int count, int orders, long seed, Duration period) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.topic = topic;
        this.period = period;
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDL);
        List<Upload> planned = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            double draw = random.nextDouble();
            Kind kind = draw < 0.70
                    ? Kind.GOOD
                    : draw < 0.88 ? Kind.RETAKE : draw < 0.94 ? Kind.UNDECODABLE : Kind.UNUSABLE_URI;
            planned.add(new Upload(
                    String.format("up-%d-%06d", seed, n),
                    String.format("order-%d-%04d", seed, random.nextInt(orders)),
                    kind));
        }
        this.uploads = List.copyOf(planned);
    }

    List<Upload> uploads() {
        return uploads;
    }

    int sent() {
        return sent.get();
    }

    int failed() {
        return failed.get();
    }

    void stop() {
        stop = true;
        go.countDown();
    }

    /** Lets the paced part of the feed begin (the warm-up part is sent at once). */
    void go() {
        go.countDown();
    }

    /** Sends every upload, evenly over the period; returns when all are acknowledged (or failed for good). */
    void feed(String goodUrl, String retakeUrl, String retakeUrl2) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.CLIENT_ID_CONFIG,
                "chaos-feeder",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                120_000);
        Serializer<UploadEvent> avro = AvroSerdes.specific(
                        UploadEvent.class, Map.of("schema.registry.url", registryUrl), false)
                .serializer();
        int warmup = Math.max(1, uploads.size() / 20);
        long spacingNanos = uploads.isEmpty() ? 0 : period.toNanos() / uploads.size();
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int n = 0; n < uploads.size() && !stop; n++) {
                Upload upload = uploads.get(n);
                if (n == warmup) {
                    producer.flush();
                    if (!go.await(10, TimeUnit.MINUTES)) {
                        LOG.warn("no go within 10 min: feeding the rest anyway");
                    }
                    started = System.nanoTime() - n * spacingNanos;
                }
                long due = started + n * spacingNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.SECONDS.toNanos(5))); // bounded pacing
                }
                String imageUri = switch (upload.kind()) {
                    case GOOD -> goodUrl;
                    case RETAKE -> n % 2 == 0 ? retakeUrl : retakeUrl2;
                    case UNUSABLE_URI -> "ftp://photos.invalid/" + upload.uploadId() + ".jpg";
                    case UNDECODABLE -> null;
                };
                byte[] value = imageUri == null
                        ? (UNDECODABLE_PREFIX + upload.uploadId()).getBytes(StandardCharsets.UTF_8)
                        : serialize(avro, event(upload, imageUri));
                if (value == null) {
                    failed.incrementAndGet();
                    continue;
                }
                producer.send(new ProducerRecord<>(topic, upload.orderId(), value), (metadata, error) -> {
                    if (error == null) {
                        sent.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        LOG.error("upload {} not written: {}", upload.uploadId(), error.toString());
                    }
                });
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("feeder done: {} sent, {} failed", sent.get(), failed.get());
    }

    /** Serializes, waiting out a registry outage (bounded: 3 minutes), as a well-behaved producer would. */
    private byte[] serialize(Serializer<UploadEvent> avro, UploadEvent event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                return avro.serialize(topic, event);
            } catch (RuntimeException e) {
                if (stop || System.nanoTime() > deadline) {
                    LOG.error("upload {} not serialized within 3 min: {}", event.getUploadId(), e.toString());
                    return null;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private static UploadEvent event(Upload upload, String imageUri) {
        return UploadEvent.newBuilder()
                .setUploadId(upload.uploadId())
                .setOrderId(upload.orderId())
                .setUserId("user-" + upload.orderId())
                .setImageUri(imageUri)
                .setUploadedAt(Instant.now())
                .setAttributes(Map.of("chaos", "true"))
                .build();
    }
}
