package dev.mnemo.ingest;

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
 */
public record IngestConfig(Topics topics, int features, int classes, int maxRecordBytes, String applicationId) {

    public static final int DEFAULT_FEATURES = 784;
    public static final int MAX_FEATURES = 16_777_216;
    public static final int DEFAULT_CLASSES = 10;
    public static final int MAX_CLASSES = 1_000_000;
    public static final int DEFAULT_MAX_RECORD_BYTES = 262_144;
    public static final int MIN_RECORD_BYTES = 1_024;
    public static final int MAX_RECORD_BYTES = 67_108_864;
    public static final String DEFAULT_APPLICATION_ID = "mnemo-ingest";

    /**
     * @throws IllegalArgumentException when a value is outside its range (see the table above)
     */
    public IngestConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(applicationId, "applicationId");
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

    /** Prefix {@code mnemo.}, 784 features, 10 classes, 256 KiB, application id {@code mnemo-ingest}. */
    public static IngestConfig defaults() {
        return new IngestConfig(Topics.defaults(), DEFAULT_FEATURES, DEFAULT_CLASSES, DEFAULT_MAX_RECORD_BYTES,
                DEFAULT_APPLICATION_ID);
    }

    public IngestConfig withTopics(Topics newTopics) {
        return new IngestConfig(newTopics, features, classes, maxRecordBytes, applicationId);
    }

    /** The same settings with topics under another prefix. */
    public IngestConfig withPrefix(String prefix) {
        return withTopics(Topics.withPrefix(prefix));
    }

    public IngestConfig withFeatures(int newFeatures) {
        return new IngestConfig(topics, newFeatures, classes, maxRecordBytes, applicationId);
    }

    public IngestConfig withClasses(int newClasses) {
        return new IngestConfig(topics, features, newClasses, maxRecordBytes, applicationId);
    }

    public IngestConfig withMaxRecordBytes(int newMaxRecordBytes) {
        return new IngestConfig(topics, features, classes, newMaxRecordBytes, applicationId);
    }

    public IngestConfig withApplicationId(String newApplicationId) {
        return new IngestConfig(topics, features, classes, maxRecordBytes, newApplicationId);
    }
}
