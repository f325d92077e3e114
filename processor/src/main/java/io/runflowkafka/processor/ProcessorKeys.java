package io.runflowkafka.processor;

import io.runflowkafka.client.RunflowClientConfig;
import io.runflowkafka.common.config.CommonKeys;
import io.runflowkafka.processor.async.CallLimiter;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every configuration key of the processor, with its one default and its meaning (the README's table is this);
 * {@link ProcessorConfig} reads them into settings records.
 */
public final class ProcessorKeys {

    public static final String APPLICATION_ID = "processor.application-id";
    public static final String TOPIC_UPLOADED = "processor.topic.uploaded";
    public static final String TOPIC_ACCEPTED = "processor.topic.accepted";
    public static final String TOPIC_RETAKE = "processor.topic.retake";
    public static final String TOPIC_UPLOADED_DLQ = "processor.topic.uploaded-dlq";
    public static final String THRESHOLD = "processor.threshold";
    public static final String MAX_IN_FLIGHT = "processor.max-in-flight";
    public static final String RATE_LIMIT = "processor.rate-limit";
    public static final String GIVE_UP_AFTER_MS = "processor.give-up-after-ms";
    public static final String ORDERED = "processor.ordered";
    public static final String DRAIN_INTERVAL_MS = "processor.drain-interval-ms";
    public static final String STREAM_THREADS = "processor.stream-threads";
    public static final String GUARANTEE = "processor.processing-guarantee";
    public static final String STATE_DIR = "processor.state-dir";
    public static final String FILE_URIS = "processor.file-uris-enabled";
    public static final String MAX_IMAGE_BYTES = "processor.max-image-bytes";
    public static final String SHUTDOWN_TIMEOUT_MS = "processor.shutdown-timeout-ms";
    public static final String S3_ENDPOINT = "processor.s3.endpoint";
    public static final String S3_REGION = "processor.s3.region";
    public static final String S3_PATH_STYLE = "processor.s3.path-style";
    public static final String RUNFLOW_BASE_URL = "runflow.base-url";
    public static final String RUNFLOW_API_KEY = "runflow.api-key";
    public static final String RUNFLOW_CONNECT_TIMEOUT_MS = "runflow.connect-timeout-ms";
    public static final String RUNFLOW_REQUEST_TIMEOUT_MS = "runflow.request-timeout-ms";
    public static final String RUNFLOW_TOTAL_TIMEOUT_MS = "runflow.total-timeout-ms";
    public static final String RUNFLOW_TRUSTSTORE = "runflow.truststore";
    public static final String RUNFLOW_TRUSTSTORE_PASSWORD = "runflow.truststore-password";
    public static final String TOPIC_JOBS = "processor.topic.jobs";
    public static final String TOPIC_JOBS_DLQ = "processor.topic.jobs-dlq";
    public static final String TOPIC_COMPLETED = "processor.topic.completed";
    public static final String TOPIC_ARCHIVED = "processor.topic.archived";
    public static final String TOPIC_COMPLETED_DLQ = "processor.topic.completed-dlq";
    public static final String ORDERS_ENABLED = "processor.orders.enabled";
    public static final String ORDERS_PHOTOS_PER_JOB = "processor.orders.photos-per-job";
    public static final String ORDERS_MIN_PHOTOS = "processor.orders.min-photos";
    public static final String ORDERS_IDLE_TIMEOUT_MS = "processor.orders.idle-timeout-ms";
    public static final String BRIDGE_PUBLIC_URL = "processor.bridge-public-url";
    public static final String CALLBACK_SECRET = "processor.callback-secret";
    public static final String CALLBACK_TRACE_CONTEXT = "processor.callback-trace-context";
    public static final String APPLICATION_SERVER = "processor.application-server";

    /** The {@code service.name} of the processor's spans. */
    public static final String SERVICE_NAME = "runflow-kafka-processor";

    /** The processor's keys, the common ones included. */
    public static final ConfigDef DEFINITION = CommonKeys.define(8092)
            .define(
                    APPLICATION_ID,
                    Type.STRING,
                    "runflow-kafka-processor",
                    Importance.HIGH,
                    "Kafka Streams application.id: consumer group, transactional ids and internal topic prefix.")
            .define(
                    TOPIC_UPLOADED,
                    Type.STRING,
                    "photos.uploaded",
                    Importance.MEDIUM,
                    "Input: UploadEvent, key order id.")
            .define(TOPIC_ACCEPTED, Type.STRING, "photos.accepted", Importance.MEDIUM, "Output: accepted ScoredUpload.")
            .define(
                    TOPIC_RETAKE,
                    Type.STRING,
                    "photos.retake",
                    Importance.MEDIUM,
                    "Output: ScoredUpload to retake, with tips.")
            .define(
                    TOPIC_UPLOADED_DLQ,
                    Type.STRING,
                    "photos.uploaded.dlq",
                    Importance.MEDIUM,
                    "Output: uploads that cannot be scored, original bytes and error headers.")
            .define(
                    THRESHOLD,
                    Type.DOUBLE,
                    0.6,
                    Range.between(0.0, 1.0),
                    Importance.HIGH,
                    "An upload is accepted when quality_score >= threshold.")
            .define(
                    MAX_IN_FLIGHT,
                    Type.INT,
                    64,
                    Range.between(1, 100_000),
                    Importance.HIGH,
                    "Most Runflow calls in flight at once per processor instance (retrying calls included).")
            .define(
                    RATE_LIMIT,
                    Type.DOUBLE,
                    0.0,
                    Range.atLeast(0.0),
                    Importance.MEDIUM,
                    "Most Runflow requests per second per instance, retries included; 0 for no limit.")
            .define(
                    GIVE_UP_AFTER_MS,
                    Type.LONG,
                    CallLimiter.DEFAULT_GIVE_UP_AFTER.toMillis(),
                    Range.atLeast(1L),
                    Importance.LOW,
                    "A call that keeps failing retryably (5xx, time-out, no S3 answer) this long while "
                            + "other calls succeed is given up and its record dead-lettered; while every call fails (an "
                            + "outage), nothing is.")
            .define(
                    ORDERED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Score one upload per order at a time, in input order; false scores an order's uploads concurrently.")
            .define(
                    DRAIN_INTERVAL_MS,
                    Type.LONG,
                    10L,
                    Range.between(1L, 10_000L),
                    Importance.LOW,
                    "How often answers are forwarded when no input arrives (wall-clock punctuation).")
            .define(
                    STREAM_THREADS,
                    Type.INT,
                    1,
                    Range.between(1, 64),
                    Importance.MEDIUM,
                    "Kafka Streams num.stream.threads.")
            .define(
                    GUARANTEE,
                    Type.STRING,
                    StreamsConfig.EXACTLY_ONCE_V2,
                    ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                    Importance.MEDIUM,
                    "Kafka Streams processing.guarantee.")
            .define(STATE_DIR, Type.STRING, "./data/processor-state", Importance.LOW, "Kafka Streams state.dir.")
            .define(
                    FILE_URIS,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Accept file:// image URIs (read from this machine's disk). Off: such uploads are dead-lettered.")
            .define(
                    MAX_IMAGE_BYTES,
                    Type.INT,
                    20 * 1024 * 1024,
                    Range.between(1024, Integer.MAX_VALUE - 1),
                    Importance.MEDIUM,
                    "Largest s3:// or file:// image read, to score or to submit; a larger one is dead-lettered.")
            .define(
                    SHUTDOWN_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    Range.atLeast(1L),
                    Importance.LOW,
                    "Longest a clean shutdown waits for Kafka Streams to commit and close.")
            .define(
                    S3_ENDPOINT,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "S3 endpoint override for s3:// image URIs (MinIO and others); empty for AWS.")
            .define(S3_REGION, Type.STRING, "us-east-1", Importance.LOW, "S3 region for s3:// image URIs.")
            .define(S3_PATH_STYLE, Type.BOOLEAN, false, Importance.LOW, "Path-style S3 access (MinIO and others).")
            .define(
                    RUNFLOW_BASE_URL,
                    Type.STRING,
                    RunflowClientConfig.DEFAULT_BASE_URL.toString(),
                    Importance.HIGH,
                    "Runflow's base URL, or the emulator's.")
            .define(
                    RUNFLOW_API_KEY,
                    Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Runflow API key (a secret; also from runflow.api-key.file or RUNFLOW_API_KEY_FILE).")
            .define(
                    RUNFLOW_CONNECT_TIMEOUT_MS,
                    Type.LONG,
                    5_000L,
                    Range.atLeast(1L),
                    Importance.LOW,
                    "Time-out to connect to Runflow.")
            .define(
                    RUNFLOW_REQUEST_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    Range.atLeast(1L),
                    Importance.LOW,
                    "Time-out waiting for Runflow's answer once a request is sent.")
            .define(
                    RUNFLOW_TOTAL_TIMEOUT_MS,
                    Type.LONG,
                    60_000L,
                    Range.atLeast(1L),
                    Importance.LOW,
                    "Time-out of one call in all, waiting for a pooled connection included.")
            .define(
                    RUNFLOW_TRUSTSTORE,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "PKCS12 truststore for Runflow's TLS instead of the JDK's (e.g. the emulator's dev certificate).")
            .define(RUNFLOW_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of runflow.truststore.")
            .define(
                    TOPIC_JOBS,
                    Type.STRING,
                    "headshots.jobs",
                    Importance.MEDIUM,
                    "Output: HeadshotJob per submitted order, key order id; also read by the job-status view.")
            .define(
                    TOPIC_JOBS_DLQ,
                    Type.STRING,
                    "headshots.jobs.dlq",
                    Importance.MEDIUM,
                    "Output: submissions Runflow refused for good (key order id, JSON value, error headers).")
            .define(
                    TOPIC_COMPLETED,
                    Type.STRING,
                    "headshots.completed",
                    Importance.MEDIUM,
                    "Input of the job-status view: HeadshotsCompleted from the webhook bridge, key headshots id.")
            .define(
                    TOPIC_ARCHIVED,
                    Type.STRING,
                    "headshots.archived",
                    Importance.MEDIUM,
                    "Input of the job-status view: HeadshotsArchived from the storage sink, key headshots id.")
            .define(
                    TOPIC_COMPLETED_DLQ,
                    Type.STRING,
                    "headshots.completed.dlq",
                    Importance.MEDIUM,
                    "Input of the job-status view: completions the storage sink could not archive.")
            .define(
                    ORDERS_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.HIGH,
                    "Submit orders to Generate Headshots; needs processor.bridge-public-url and processor.callback-secret.")
            .define(
                    ORDERS_PHOTOS_PER_JOB,
                    Type.INT,
                    4,
                    Range.between(1, 1_000),
                    Importance.HIGH,
                    "An order is submitted as soon as it has this many accepted photos.")
            .define(
                    ORDERS_MIN_PHOTOS,
                    Type.INT,
                    1,
                    Range.between(1, 1_000),
                    Importance.HIGH,
                    "An idle order is submitted only with at least this many accepted photos (at most photos-per-job).")
            .define(
                    ORDERS_IDLE_TIMEOUT_MS,
                    Type.LONG,
                    900_000L,
                    Range.atLeast(1L),
                    Importance.HIGH,
                    "An order with at least min-photos is submitted this long after its latest accepted photo.")
            .define(
                    BRIDGE_PUBLIC_URL,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Where Runflow reaches the webhook bridge, e.g. https://hooks.example.com (required for submissions).")
            .define(
                    CALLBACK_SECRET,
                    Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Secret that signs callback URLs, shared with the webhook bridge (the first of its "
                            + "bridge.callback-secrets); at least 16 bytes; also from processor.callback-secret.file.")
            .define(
                    CALLBACK_TRACE_CONTEXT,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Whether the callback URL carries the job's trace context, signed, as ?traceparent=…&trace_token=…, "
                            + "so the bridge writes the completion in the job's trace; false if your Runflow refuses "
                            + "or strips a query in callback_url (the completion then starts a trace of its own).")
            .define(
                    APPLICATION_SERVER,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "host:port where other instances reach this one's HTTP server (Kafka Streams application.server), "
                            + "for job-status lookups of keys held elsewhere; empty for a single instance.");

    private ProcessorKeys() {}
}
