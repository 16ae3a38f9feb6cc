package dev.mnemo.ingest;

import java.time.Duration;
import java.util.Objects;

import dev.mnemo.schemas.Topics;

/**
 * What the ingest topology reads, writes and accepts.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th><th>meaning</th></tr>
 *   <tr><td>topics</td><td>prefix {@code mnemo.}</td><td>a valid prefix</td><td>reads
 *       {@code samples.raw}; writes {@code samples.labelled}, {@code samples.unlabelled},
 *       {@code samples.dlq}</td></tr>
 *   <tr><td>features</td><td>{@value #DEFAULT_FEATURES}</td><td>[1, {@value #MAX_FEATURES}]</td><td>the
 *       length every feature vector must have</td></tr>
 *   <tr><td>classes</td><td>{@value #DEFAULT_CLASSES}</td><td>[2, {@value #MAX_CLASSES}]</td><td>labels
 *       must lie in [0, classes)</td></tr>
 *   <tr><td>maxRecordBytes</td><td>{@value #DEFAULT_MAX_RECORD_BYTES}</td><td>[{@value #MIN_RECORD_BYTES},
 *       {@value #MAX_RECORD_BYTES}]</td><td>larger values are rejected as {@code too-large} before
 *       they are decoded</td></tr>
 *   <tr><td>applicationId</td><td>{@value #DEFAULT_APPLICATION_ID}</td><td>letters, digits, '.', '_',
 *       '-'</td><td>the Kafka Streams application id (consumer group, internal topic prefix)</td></tr>
 *   <tr><td>guarantee</td><td>{@code exactly_once_v2}</td><td>{@link Guarantee}</td><td>the Kafka Streams
 *       processing guarantee</td></tr>
 *   <tr><td>dedupWindow</td><td>1 hour</td><td>[1 ms, 365 days]</td><td>a second sample with the same
 *       (source, id) whose timestamp lies within this span of an accepted one is a {@code duplicate}</td></tr>
 *   <tr><td>labelRetention</td><td>7 days</td><td>[1 ms, 365 days]</td><td>how long an accepted sample
 *       waits for a late label on {@code labels}; a label after that is an {@code orphan-label}</td></tr>
 * </table>
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.defaults().withPrefix("test-42.").withFeatures(64);
 * config.topics().samplesRaw();   // "test-42.samples.raw"
 * }</pre>
 *
 * @param topics         the topic names
 * @param features       expected feature-vector length
 * @param classes        number of classes
 * @param maxRecordBytes largest accepted value, in bytes
 * @param applicationId  Kafka Streams application id
 * @param guarantee      Kafka Streams processing guarantee
 * @param dedupWindow    de-duplication window, in record time
 * @param labelRetention how long samples wait for a late label, in record time
 */
public record IngestConfig(Topics topics, int features, int classes, int maxRecordBytes, String applicationId,
                           Guarantee guarantee, Duration dedupWindow, Duration labelRetention) {

    public static final int DEFAULT_FEATURES = 784;
    public static final int MAX_FEATURES = 16_777_216;
    public static final int DEFAULT_CLASSES = 10;
    public static final int MAX_CLASSES = 1_000_000;
    public static final int DEFAULT_MAX_RECORD_BYTES = 262_144;
    public static final int MIN_RECORD_BYTES = 1_024;
    public static final int MAX_RECORD_BYTES = 67_108_864;
    public static final String DEFAULT_APPLICATION_ID = "mnemo-ingest";
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(1);
    public static final Duration DEFAULT_LABEL_RETENTION = Duration.ofDays(7);
    /** The longest de-duplication window or label retention. */
    public static final Duration MAX_RETENTION = Duration.ofDays(365);

    /** The Kafka Streams processing guarantee of the topology. */
    public enum Guarantee {
        /**
         * Each record of {@code samples.raw} and {@code labels} affects the output topics and the
         * stores exactly once, even across crashes and rebalances; needs brokers 2.5 or newer and
         * consumers that read with {@code isolation.level=read_committed}.
         */
        EXACTLY_ONCE_V2("exactly_once_v2"),
        /** After a crash, records since the last commit are processed again: faster, may repeat output. */
        AT_LEAST_ONCE("at_least_once");

        private final String value;

        Guarantee(String value) {
            this.value = value;
        }

        /** The value of the Streams setting {@code processing.guarantee}. */
        public String value() {
            return value;
        }

        /**
         * The guarantee with this setting value ({@code exactly_once_v2} or {@code at_least_once}).
         *
         * @throws IllegalArgumentException for any other value
         */
        public static Guarantee of(String value) {
            for (Guarantee g : values()) {
                if (g.value.equals(value)) {
                    return g;
                }
            }
            throw new IllegalArgumentException("guarantee must be exactly_once_v2 or at_least_once, got '" + value + "'");
        }
    }

    /**
     * @throws IllegalArgumentException when a value is outside its range (see the table above)
     */
    public IngestConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(guarantee, "guarantee");
        checkSpan("dedupWindow", dedupWindow);
        checkSpan("labelRetention", labelRetention);
        if (features < 1 || features > MAX_FEATURES) {
            throw new IllegalArgumentException("features must be in [1, " + MAX_FEATURES + "], got " + features);
        }
        if (classes < 2 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in [2, " + MAX_CLASSES + "], got " + classes);
        }
        if (maxRecordBytes < MIN_RECORD_BYTES || maxRecordBytes > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("maxRecordBytes must be in [" + MIN_RECORD_BYTES + ", " + MAX_RECORD_BYTES
                    + "], got " + maxRecordBytes);
        }
        if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "applicationId must be non-empty and contain only letters, digits, '.', '_' and '-', got '"
                            + applicationId + "'");
        }
    }

    /**
     * The given limits with the default guarantee ({@code exactly_once_v2}), de-duplication window
     * (1 hour) and label retention (7 days).
     */
    public IngestConfig(Topics topics, int features, int classes, int maxRecordBytes, String applicationId) {
        this(topics, features, classes, maxRecordBytes, applicationId, Guarantee.EXACTLY_ONCE_V2, DEFAULT_DEDUP_WINDOW,
                DEFAULT_LABEL_RETENTION);
    }

    private static void checkSpan(String name, Duration span) {
        Objects.requireNonNull(span, name);
        if (span.toMillis() < 1 || span.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException(name + " must be in [1 ms, 365 days], got " + span);
        }
    }

    /**
     * Prefix {@code mnemo.}, 784 features, 10 classes, 256 KiB, application id {@code mnemo-ingest},
     * exactly once, a 1-hour de-duplication window, a 7-day label retention.
     */
    public static IngestConfig defaults() {
        return new IngestConfig(Topics.defaults(), DEFAULT_FEATURES, DEFAULT_CLASSES, DEFAULT_MAX_RECORD_BYTES,
                DEFAULT_APPLICATION_ID);
    }

    public IngestConfig withTopics(Topics newTopics) {
        return new IngestConfig(newTopics, features, classes, maxRecordBytes, applicationId, guarantee, dedupWindow,
                labelRetention);
    }

    /** The same settings with topics under another prefix. */
    public IngestConfig withPrefix(String prefix) {
        return withTopics(Topics.withPrefix(prefix));
    }

    public IngestConfig withFeatures(int newFeatures) {
        return new IngestConfig(topics, newFeatures, classes, maxRecordBytes, applicationId, guarantee, dedupWindow,
                labelRetention);
    }

    public IngestConfig withClasses(int newClasses) {
        return new IngestConfig(topics, features, newClasses, maxRecordBytes, applicationId, guarantee, dedupWindow,
                labelRetention);
    }

    public IngestConfig withMaxRecordBytes(int newMaxRecordBytes) {
        return new IngestConfig(topics, features, classes, newMaxRecordBytes, applicationId, guarantee, dedupWindow,
                labelRetention);
    }

    public IngestConfig withApplicationId(String newApplicationId) {
        return new IngestConfig(topics, features, classes, maxRecordBytes, newApplicationId, guarantee, dedupWindow,
                labelRetention);
    }

    public IngestConfig withGuarantee(Guarantee newGuarantee) {
        return new IngestConfig(topics, features, classes, maxRecordBytes, applicationId, newGuarantee, dedupWindow,
                labelRetention);
    }

    public IngestConfig withDedupWindow(Duration newDedupWindow) {
        return new IngestConfig(topics, features, classes, maxRecordBytes, applicationId, guarantee, newDedupWindow,
                labelRetention);
    }

    public IngestConfig withLabelRetention(Duration newLabelRetention) {
        return new IngestConfig(topics, features, classes, maxRecordBytes, applicationId, guarantee, dedupWindow,
                newLabelRetention);
    }
}
