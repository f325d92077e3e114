package io.runflowkafka.processor.orders;

import io.runflowkafka.common.trace.TraceFields;
import io.runflowkafka.common.trace.Tracing;
import io.runflowkafka.processor.async.WhileBusy;
import io.runflowkafka.processor.gate.LocalImages;
import io.runflowkafka.processor.internal.OrderPhoto;
import io.runflowkafka.processor.internal.OrderState;
import io.runflowkafka.processor.internal.OrderStatus;
import io.runflowkafka.processor.internal.SubmissionRequest;
import io.runflowkafka.processor.internal.SubmissionTrigger;
import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.ScoredUpload;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects each order's accepted photos and decides, once per order, when it is submitted: at
 * {@code photos-per-job} photos, or {@code idle-timeout} after its latest photo with at least
 * {@code min-photos}. The decision (a {@link SubmissionRequest} with a fresh job reference) and the
 * order's SUBMITTED mark are written in one transaction; the HTTP call is made downstream, only once that
 * transaction is committed.
 *
 * <p><b>URLs or files, never both.</b> Generate Headshots takes photo URLs (JSON) or photo files (multipart) in one
 * request, and the processor reads {@code s3://} and {@code file://} photos but never downloads a URL. An order is
 * therefore of the kind of its first collected photo; a later photo of the other kind is skipped with a warning.
 *
 * <p><b>Which clock the idle time-out runs on.</b> An order's deadline is its latest photo's own time (the
 * record timestamp, which the quality gate carries over from the upload; else {@code uploaded_at}) plus the
 * idle time-out: event time, so that the job's content does not depend on when the processor ran. On the
 * wall clock alone, a processor that was down (or held by a Runflow outage) longer than the time-out would,
 * on its return, submit each order with the photos collected before the downtime and call the ones still in
 * the gate's backlog "late". The deadline is then taken as passed in either of two ways:
 * <ul>
 *   <li><i>stream time</i>: the task's stream time (the newest photo time it has collected on its partition)
 *       has passed the deadline by another idle time-out. On a busy partition this comes first; the extra time-out is the
 *       slack allowed for the gate answering photos out of upload order (concurrent calls, retries). Stream
 *       time stands still while nothing is scored, so neither a downtime nor an outage can fire it.</li>
 *   <li><i>wall clock, once caught up</i>: the deadline has passed on the wall clock <b>and</b> a check of the
 *       {@link InputBacklog} begun after the deadline found no upload of this partition still on its way
 *       (not yet read by the gate, pending in it, or accepted but not yet collected). This is what submits an
 *       order on a quiet partition, whose stream time never moves. After a restart the backlog is that of the
 *       downtime, so the check fails until the gate has scored it and the collector has read it: catching up
 *       never submits an order early. The check looks upstream, not only at this task's own input, because
 *       the photos that matter after a downtime are still in {@code photos.uploaded}, where the collector's
 *       own consumer lag cannot see them.</li>
 * </ul>
 */
final class OrderCollector implements Processor<String, ScoredUpload, String, SubmissionRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(OrderCollector.class);

    private final OrderSettings settings;
    private final OrderMetrics metrics;
    private final InputBacklog backlog;
    private final Tracing tracing;

    private ProcessorContext<String, SubmissionRequest> context;
    private KeyValueStore<String, OrderState> orders;
    private KeyValueStore<String, String> deadlines;
    private WhileBusy idleChecks;

    OrderCollector(OrderSettings settings, OrderMetrics metrics, InputBacklog backlog, Tracing tracing) {
        this.settings = settings;
        this.metrics = metrics;
        this.backlog = backlog;
        this.tracing = tracing;
    }

    @Override
    public void init(ProcessorContext<String, SubmissionRequest> context) {
        this.context = context;
        this.orders = context.getStateStore(HeadshotOrdersTopology.ORDERS_STORE);
        this.deadlines = context.getStateStore(HeadshotOrdersTopology.DEADLINES_STORE);
        idleChecks = new WhileBusy(context, settings.idleCheckInterval(), this::submitIdleOrders, this::awaitsDeadline);
        idleChecks.wakeIfBusy();
    }

    @Override
    public void process(Record<String, ScoredUpload> record) {
        ScoredUpload photo = record.value();
        if (photo == null) {
            return;
        }
        String orderId = record.key() != null && !record.key().isBlank() ? record.key() : photo.getOrderId();
        String skipped = reasonToSkip(orderId, photo);
        if (skipped != null) {
            LOG.warn("photo {} of order {} is not collected: {}", photo.getUploadId(), orderId, skipped);
            metrics.skipped();
            return;
        }
        OrderState state = orders.get(orderId);
        if (state != null
                && state.getPhotos().stream().anyMatch(p -> p.getUploadId().equals(photo.getUploadId()))) {
            metrics.duplicate();
            return;
        }
        if (state != null && state.getStatus() == OrderStatus.SUBMITTED) {
            // One job per order: a photo accepted after the submission is reported, never submitted.
            LOG.info(
                    "photo {} of order {} arrived after the order was submitted (job_ref {}): not submitted",
                    photo.getUploadId(),
                    orderId,
                    state.getJobRef());
            metrics.late();
            return;
        }
        if (state != null && isLocal(state) != LocalImages.isLocal(photo.getImageUri())) {
            // One request sends URLs or files, never both, and the processor downloads no URL (see the README).
            LOG.warn(
                    "photo {} of order {} is not collected: the order holds photos {}, and one Generate Headshots "
                            + "request takes URLs or files, not both",
                    photo.getUploadId(),
                    orderId,
                    isLocal(state) ? "as files (s3://, file://)" : "by URL");
            metrics.skipped();
            return;
        }
        long now = context.currentSystemTimeMs();
        long photoTime = photoTime(record, photo);
        if (state == null) {
            state = OrderState.newBuilder()
                    .setOrderId(orderId)
                    .setUserId(photo.getUserId())
                    .setStatus(OrderStatus.COLLECTING)
                    .setPhotos(new ArrayList<>())
                    .setAttributes(new HashMap<>(photo.getAttributes()))
                    .setLastAcceptedAt(now)
                    .setLastTimestamp(photoTime)
                    .setSourceTopic("")
                    .setSourcePartition(-1)
                    .setSourceOffset(-1L)
                    .build();
        } else if (!state.getUserId().equals(photo.getUserId())) {
            LOG.warn(
                    "photo {} of order {} names user {} but the order belongs to user {}: kept, under the first",
                    photo.getUploadId(),
                    orderId,
                    photo.getUserId(),
                    state.getUserId());
        }
        state.getPhotos().add(new OrderPhoto(photo.getUploadId(), photo.getImageUri()));
        JobTrace.collect(state, Tracing.spanContext(record.headers()));
        state.setLastAcceptedAt(now);
        // The latest photo by its own time: the gate may answer an order's photos out of upload order.
        state.setLastTimestamp(Math.max(state.getLastTimestamp(), photoTime));
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source != null) {
            state.setSourceTopic(source.topic());
            state.setSourcePartition(source.partition());
            state.setSourceOffset(source.offset());
        }
        metrics.collected();
        unindex(state);
        if (state.getPhotos().size() >= settings.photosPerJob()) {
            submit(state, SubmissionTrigger.PHOTO_COUNT, now);
            return;
        }
        long deadline = state.getLastTimestamp() + settings.idleTimeout().toMillis();
        state.setIdleDeadline(deadline);
        deadlines.put(deadlineKey(deadline, orderId), orderId);
        orders.put(orderId, state);
        idleChecks.wake();
    }

    /** Whether an order of this task waits for its idle deadline. */
    private boolean awaitsDeadline() {
        try (KeyValueIterator<String, String> any = deadlines.all()) {
            return any.hasNext();
        }
    }

    /**
     * Submits every collecting order, with enough photos, whose idle deadline has passed on stream time (plus
     * one more time-out of slack), or on the wall clock once the partition's backlog is in (see the class
     * comment).
     */
    private void submitIdleOrders(long now) {
        long streamTime = context.currentStreamTimeMs();
        long byStreamTime = streamTime == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : streamTime - settings.idleTimeout().toMillis();
        int partition = context.taskId().partition();
        List<KeyValue<String, String>> due = new ArrayList<>();
        // The upper bound sorts after every key of a deadline <= it ('~' follows the separator and the digits).
        long upTo = Math.max(0, Math.max(now, byStreamTime));
        try (KeyValueIterator<String, String> expired = deadlines.range(null, String.format("%019d~", upTo))) {
            expired.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> entry : due) {
            long deadline = Long.parseLong(entry.key.substring(0, entry.key.indexOf('/')));
            if (deadline > byStreamTime && !backlog.caughtUp(partition, deadline)) {
                // Deadlines are in order: a later one is not vouched for either (its check must begin later).
                break;
            }
            deadlines.delete(entry.key);
            OrderState state = orders.get(entry.value);
            if (state == null
                    || state.getStatus() != OrderStatus.COLLECTING
                    || state.getIdleDeadline() == null
                    || !entry.key.equals(deadlineKey(state.getIdleDeadline(), state.getOrderId()))) {
                continue;
            }
            state.setIdleDeadline(null);
            if (state.getPhotos().size() >= settings.minPhotos()) {
                submit(state, SubmissionTrigger.IDLE_TIMEOUT, now);
            } else {
                // Waits for more photos; the next one sets a new deadline.
                orders.put(state.getOrderId(), state);
            }
        }
    }

    private void submit(OrderState state, SubmissionTrigger trigger, long now) {
        String jobRef = UUID.randomUUID().toString();
        List<String> urls = new ArrayList<>();
        List<String> uploadIds = new ArrayList<>();
        for (OrderPhoto photo : state.getPhotos()) {
            urls.add(photo.getImageUri());
            uploadIds.add(photo.getUploadId());
        }
        TraceFields jobTrace = Tracing.fields(JobTrace.start(tracing, state, jobRef, now));
        SubmissionRequest request = SubmissionRequest.newBuilder()
                .setOrderId(state.getOrderId())
                .setUserId(state.getUserId())
                .setJobRef(jobRef)
                .setInputImageUrls(urls)
                .setUploadIds(uploadIds)
                .setAttributes(state.getAttributes())
                .setTrigger(trigger)
                .setDecidedAt(now)
                .setSourceTopic(state.getSourceTopic())
                .setSourcePartition(state.getSourcePartition())
                .setSourceOffset(state.getSourceOffset())
                .setTraceParent(jobTrace.traceparent())
                .setTraceState(jobTrace.tracestate())
                .build();
        state.setStatus(OrderStatus.SUBMITTED);
        state.setJobRef(jobRef);
        state.setSubmittedAt(now);
        state.setIdleDeadline(null);
        orders.put(state.getOrderId(), state);
        context.forward(new Record<>(state.getOrderId(), request, state.getLastTimestamp()));
        metrics.submitted(trigger);
        LOG.info(
                "order {} handed to the submitter as job_ref {} with {} photos ({})",
                state.getOrderId(),
                jobRef,
                urls.size(),
                trigger == SubmissionTrigger.PHOTO_COUNT ? "photo count reached" : "idle timeout");
    }

    /** The photo's own time: its record timestamp (the upload's, carried by the gate), else its upload time. */
    private static long photoTime(Record<String, ScoredUpload> record, ScoredUpload photo) {
        if (record.timestamp() >= 0) {
            return record.timestamp();
        }
        return photo.getUploadedAt() != null ? photo.getUploadedAt().toEpochMilli() : 0L;
    }

    private void unindex(OrderState state) {
        if (state.getIdleDeadline() != null) {
            deadlines.delete(deadlineKey(state.getIdleDeadline(), state.getOrderId()));
            state.setIdleDeadline(null);
        }
    }

    /** Zero-padded so that the store's byte order is deadline order. */
    static String deadlineKey(long deadline, String orderId) {
        return String.format("%019d/%s", deadline, orderId);
    }

    private static String reasonToSkip(String orderId, ScoredUpload photo) {
        if (orderId == null || orderId.isBlank()) {
            return "no order id";
        }
        if (photo.getDecision() != Decision.ACCEPTED) {
            return "decision is " + photo.getDecision() + ", not ACCEPTED";
        }
        if (photo.getUploadId() == null || photo.getUploadId().isBlank()) {
            return "no upload id";
        }
        return isHttpUrl(photo.getImageUri()) || LocalImages.isLocal(photo.getImageUri())
                ? null
                : "Generate Headshots takes http(s) image URLs, or s3:// and file:// images as files, and this"
                        + " image_uri is none of these";
    }

    /** Whether the order's photos are sent as files: all are of the kind of its first. */
    private static boolean isLocal(OrderState state) {
        return !state.getPhotos().isEmpty()
                && LocalImages.isLocal(state.getPhotos().get(0).getImageUri());
    }

    private static boolean isHttpUrl(String value) {
        if (value == null) {
            return false;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http"))
                    && uri.getHost() != null
                    && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
