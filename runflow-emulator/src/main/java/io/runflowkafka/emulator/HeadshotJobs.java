package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generate Headshots jobs: accepted at once, rendered after the configured delay, announced by a
 * {@code headshots.completed} callback with 60 image URLs that answer 410 once the TTL has passed.
 */
final class HeadshotJobs {

    private static final Logger LOG = LoggerFactory.getLogger(HeadshotJobs.class);

    /** Images per job, as the contract says. */
    static final int IMAGES_PER_JOB = 60;
    /** Expired jobs are forgotten (404 instead of 410) this long after expiry. */
    static final Duration TOMBSTONE_TTL = Duration.ofDays(7);

    /** Where a job is. */
    private sealed interface State permits Pending, Ready, Expired, Failed {}

    private record Pending(String callbackUrl, List<byte[]> files, List<String> urls) implements State {}

    private record Ready(List<byte[]> looks, Instant expiresAt) implements State {}

    private record Expired(Instant expiredAt) implements State {}

    private record Failed(Instant failedAt) implements State {}

    /** The outcome of asking for one image. */
    enum Lookup {
        FOUND,
        NOT_FOUND,
        EXPIRED
    }

    /** An image lookup's outcome and, when found, the bytes. */
    record ImageResult(Lookup lookup, byte[] bytes) {}

    private final Map<UUID, State> jobs = new ConcurrentHashMap<>();
    private final HeadshotStudio studio = new HeadshotStudio();
    private final ImageFetcher fetcher;
    private final WebhookSender webhooks;
    private final ScheduledExecutorService scheduler;
    private final Executor renderExecutor;
    private final EmulatorCounters counters;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration completionDelay;
    private final Duration imageTtl;
    private final Supplier<String> publicBaseUrl;

    HeadshotJobs(
            ImageFetcher fetcher,
            WebhookSender webhooks,
            ScheduledExecutorService scheduler,
            Executor renderExecutor,
            EmulatorCounters counters,
            ObjectMapper json,
            Clock clock,
            Duration completionDelay,
            Duration imageTtl,
            Supplier<String> publicBaseUrl) {
        this.fetcher = fetcher;
        this.webhooks = webhooks;
        this.scheduler = scheduler;
        this.renderExecutor = renderExecutor;
        this.counters = counters;
        this.json = json;
        this.clock = clock;
        this.completionDelay = completionDelay;
        this.imageTtl = imageTtl;
        this.publicBaseUrl = publicBaseUrl;
    }

    /** Accepts a job and schedules its completion; returns its id. */
    UUID submit(String callbackUrl, List<byte[]> files, List<String> urls) {
        UUID id = UUID.randomUUID();
        jobs.put(id, new Pending(callbackUrl, List.copyOf(files), List.copyOf(urls)));
        counters.headshotSubmissions.increment();
        LOG.info(
                "Headshots {} accepted ({} files, {} URLs), completes in {} ms",
                id,
                files.size(),
                urls.size(),
                completionDelay.toMillis());
        scheduler.schedule(() -> complete(id), completionDelay.toMillis(), TimeUnit.MILLISECONDS);
        return id;
    }

    private void complete(UUID id) {
        if (!(jobs.get(id) instanceof Pending pending)) {
            return;
        }
        List<CompletableFuture<byte[]>> downloads = new ArrayList<>();
        for (String url : pending.urls()) {
            downloads.add(fetcher.fetch(url).exceptionally(e -> {
                LOG.warn("Headshots {}: an input image could not be fetched: {}", id, e.getMessage());
                return null;
            }));
        }
        CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new))
                .thenApplyAsync(
                        v -> {
                            List<byte[]> inputs = new ArrayList<>(pending.files());
                            downloads.forEach(d -> {
                                if (d.join() != null) {
                                    inputs.add(d.join());
                                }
                            });
                            return studio.render(id, inputs);
                        },
                        renderExecutor)
                .thenAccept(looks -> {
                    jobs.put(id, new Ready(looks, clock.instant().plus(imageTtl)));
                    counters.headshotJobsCompleted.increment();
                    webhooks.deliver("headshots.completed", id.toString(), pending.callbackUrl(), payload(id));
                })
                .exceptionally(e -> {
                    jobs.put(id, new Failed(clock.instant()));
                    LOG.error("Headshots {} could not be rendered", id, e);
                    return null;
                });
    }

    private byte[] payload(UUID id) {
        List<String> urls = new ArrayList<>(IMAGES_PER_JOB);
        for (int n = 1; n <= IMAGES_PER_JOB; n++) {
            urls.add(imageUrl(id, n));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "headshots.completed");
        body.put("headshots_id", id.toString());
        body.put("image_urls", urls);
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String imageUrl(UUID id, int number) {
        return publicBaseUrl.get() + "/cdn/headshots/" + id + "/" + String.format("%03d", number) + ".jpg";
    }

    /** Image {@code number} (1–60) of a job. */
    ImageResult image(UUID id, int number) {
        State state = jobs.get(id);
        if (number < 1
                || number > IMAGES_PER_JOB
                || state == null
                || state instanceof Pending
                || state instanceof Failed) {
            return new ImageResult(Lookup.NOT_FOUND, null);
        }
        if (state instanceof Expired) {
            return new ImageResult(Lookup.EXPIRED, null);
        }
        Ready ready = (Ready) state;
        if (!clock.instant().isBefore(ready.expiresAt())) {
            jobs.put(id, new Expired(ready.expiresAt()));
            return new ImageResult(Lookup.EXPIRED, null);
        }
        return new ImageResult(Lookup.FOUND, HeadshotStudio.image(ready.looks(), id, number));
    }

    /** Frees the images of expired jobs and forgets long-expired ones. */
    void sweep() {
        Instant now = clock.instant();
        jobs.replaceAll((id, state) -> state instanceof Ready ready && !now.isBefore(ready.expiresAt())
                ? new Expired(ready.expiresAt())
                : state);
        jobs.entrySet()
                .removeIf(e -> (e.getValue() instanceof Expired expired
                                && now.isAfter(expired.expiredAt().plus(TOMBSTONE_TTL)))
                        || (e.getValue() instanceof Failed failed
                                && now.isAfter(failed.failedAt().plus(TOMBSTONE_TTL))));
    }
}
