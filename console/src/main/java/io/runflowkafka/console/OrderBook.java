package io.runflowkafka.console;

import io.runflowkafka.schema.ArchivedObject;
import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Orders as the topics tell them: each order's photos (uploaded, then accepted or to retake with score and tips) and
 * its job's states SUBMITTED, COMPLETED, ARCHIVED with their times. Events of one job arrive on different topics in
 * any order, so jobs are kept by headshots id and joined to their order when shown. Bounded: the oldest orders and
 * jobs are forgotten past {@link #MAX_ORDERS}.
 */
final class OrderBook {

    static final int MAX_ORDERS = 2_000;

    /** One photo of an order. */
    record Photo(
            String uploadId,
            String imageUri,
            Long uploadedAt,
            String decision,
            Double score,
            Double threshold,
            List<String> tips,
            Long scoredAt,
            String deadLetterReason) {

        /** An upload without a score: as uploaded (decision and reason null), or dead-lettered with its reason. */
        static Photo unscored(UploadEvent upload, String decision, String deadLetterReason) {
            return new Photo(
                    upload.getUploadId(),
                    withoutSecrets(upload.getImageUri()),
                    upload.getUploadedAt().toEpochMilli(),
                    decision,
                    null,
                    null,
                    List.of(),
                    null,
                    deadLetterReason);
        }
    }

    /** One job's states; a null time is a state not reached (or not seen) yet. */
    record Job(
            String headshotsId,
            String orderId,
            String jobRef,
            int inputImages,
            Long submittedAt,
            Long completedAt,
            Long archivedAt,
            int images,
            Long expiresAt,
            List<String> archivedKeys) {

        String state() {
            return archivedAt != null ? "ARCHIVED" : completedAt != null ? "COMPLETED" : "SUBMITTED";
        }
    }

    /** One order, as the Orders view shows it. */
    record Order(String orderId, String userId, List<Photo> photos, Job job, Long lastAt) {}

    private final Map<String, Map<String, Photo>> photosByOrder = bounded();
    private final Map<String, String> userByOrder = bounded();
    private final Map<String, Long> lastAtByOrder = bounded();
    private final Map<String, Job> jobsById = bounded();
    private final Map<String, String> jobByOrder = bounded();

    synchronized void uploaded(UploadEvent upload) {
        String order = upload.getOrderId();
        touch(order, upload.getUserId(), upload.getUploadedAt().toEpochMilli());
        photos(order).merge(upload.getUploadId(), Photo.unscored(upload, null, null), (scored, fresh) -> scored);
    }

    /** An upload the processor dead-lettered; a later score (after a replay) replaces it, never the other way. */
    synchronized void deadLettered(UploadEvent upload, String reason, long at) {
        String order = upload.getOrderId();
        touch(order, upload.getUserId(), at);
        photos(order)
                .merge(
                        upload.getUploadId(),
                        Photo.unscored(upload, "DEAD_LETTERED", reason),
                        (known, dead) -> known.scoredAt() != null ? known : dead);
    }

    synchronized void scored(ScoredUpload scored) {
        String order = scored.getOrderId();
        touch(order, scored.getUserId(), scored.getScoredAt().toEpochMilli());
        photos(order)
                .put(
                        scored.getUploadId(),
                        new Photo(
                                scored.getUploadId(),
                                withoutSecrets(scored.getImageUri()),
                                scored.getUploadedAt().toEpochMilli(),
                                scored.getDecision().name(),
                                scored.getQualityScore(),
                                scored.getThreshold(),
                                List.copyOf(scored.getTips()),
                                scored.getScoredAt().toEpochMilli(),
                                null));
    }

    synchronized void submitted(HeadshotJob job) {
        String order = job.getOrderId();
        touch(order, job.getUserId(), job.getSubmittedAt().toEpochMilli());
        Job known = job(job.getHeadshotsId());
        jobsById.put(
                job.getHeadshotsId(),
                new Job(
                        job.getHeadshotsId(),
                        order,
                        job.getJobRef(),
                        job.getInputImageUrls().size(),
                        job.getSubmittedAt().toEpochMilli(),
                        known.completedAt(),
                        known.archivedAt(),
                        known.images(),
                        known.expiresAt(),
                        known.archivedKeys()));
        jobByOrder.put(order, job.getHeadshotsId());
    }

    synchronized void completed(HeadshotsCompleted completed) {
        Job known = job(completed.getHeadshotsId());
        jobsById.put(
                completed.getHeadshotsId(),
                new Job(
                        known.headshotsId(),
                        known.orderId(),
                        completed.getJobRef(),
                        known.inputImages(),
                        known.submittedAt(),
                        completed.getReceivedAt().toEpochMilli(),
                        known.archivedAt(),
                        Math.max(known.images(), completed.getImageUrls().size()),
                        completed.getExpiresAt().toEpochMilli(),
                        known.archivedKeys()));
        Optional.ofNullable(known.orderId())
                .ifPresent(o -> lastAtByOrder.merge(o, completed.getReceivedAt().toEpochMilli(), Math::max));
    }

    synchronized void archived(HeadshotsArchived archived) {
        Job known = job(archived.getHeadshotsId());
        List<String> keys = archived.getObjects().stream()
                .sorted(Comparator.comparingInt(ArchivedObject::getIndex))
                .map(ArchivedObject::getKey)
                .toList();
        jobsById.put(
                archived.getHeadshotsId(),
                new Job(
                        known.headshotsId(),
                        known.orderId(),
                        archived.getJobRef(),
                        known.inputImages(),
                        known.submittedAt(),
                        known.completedAt(),
                        archived.getArchivedAt().toEpochMilli(),
                        keys.size(),
                        archived.getExpiresAt().toEpochMilli(),
                        keys));
    }

    /** Every order, the most recently active first. */
    synchronized List<Order> orders() {
        List<Order> orders = new ArrayList<>();
        photosByOrder.forEach((order, photos) -> {
            String headshotsId = jobByOrder.get(order);
            orders.add(new Order(
                    order,
                    userByOrder.get(order),
                    List.copyOf(photos.values()),
                    headshotsId == null ? null : jobsById.get(headshotsId),
                    lastAtByOrder.get(order)));
        });
        orders.sort(Comparator.comparing(Order::lastAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return orders;
    }

    /** Every archived job, the most recent first. */
    synchronized List<Job> archivedJobs() {
        return jobsById.values().stream()
                .filter(j -> j.archivedAt() != null)
                .sorted(Comparator.comparing(Job::archivedAt).reversed())
                .toList();
    }

    /** Whether {@code key} is an object some archived event named: the only keys the gallery serves. */
    synchronized boolean isArchivedKey(String key) {
        return jobsById.values().stream().anyMatch(j -> j.archivedKeys().contains(key));
    }

    /** The image URI of an upload, when the console saw it. */
    synchronized Optional<String> imageUri(String uploadId) {
        return photosByOrder.values().stream()
                .map(photos -> photos.get(uploadId))
                .filter(p -> p != null)
                .map(Photo::imageUri)
                .findFirst();
    }

    /**
     * An image address as the page may show it: {@code scheme://host[:port]/path}, without user info, query or
     * fragment, which may hold a credential (a pre-signed URL's {@code X-Amz-Signature}, {@code user:password@}).
     */
    static String withoutSecrets(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            URI parsed = new URI(uri);
            if (parsed.isOpaque()) {
                return parsed.getScheme() + ":";
            }
            StringBuilder shown = new StringBuilder();
            if (parsed.getScheme() != null) {
                shown.append(parsed.getScheme()).append(':');
            }
            if (parsed.getRawAuthority() != null) {
                String authority = parsed.getRawAuthority();
                shown.append("//").append(authority.substring(authority.lastIndexOf('@') + 1));
            } else if (parsed.getRawSchemeSpecificPart().startsWith("//")) {
                shown.append("//"); // file:///path: an empty authority
            }
            return shown.append(Objects.requireNonNullElse(parsed.getRawPath(), ""))
                    .toString();
        } catch (URISyntaxException e) {
            // Not a URI: cut what could be a query, a fragment or user info all the same.
            String cut = uri.split("[?#]", 2)[0];
            return cut.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/]*@", "$1");
        }
    }

    private Job job(String headshotsId) {
        Job known = jobsById.get(headshotsId);
        return known != null ? known : new Job(headshotsId, null, null, 0, null, null, null, 0, null, List.of());
    }

    private Map<String, Photo> photos(String order) {
        return photosByOrder.computeIfAbsent(order, o -> new LinkedHashMap<>());
    }

    private void touch(String order, String user, long at) {
        userByOrder.put(order, user);
        lastAtByOrder.merge(order, at, Math::max);
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_ORDERS;
            }
        };
    }
}
