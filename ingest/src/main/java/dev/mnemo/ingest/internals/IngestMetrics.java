package dev.mnemo.ingest.internals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.mnemo.ingest.IngestCounters;
import dev.mnemo.schemas.DeadLetters;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The ingest counters as Kafka Streams metrics, so they reach JMX and every metrics reporter with
 * the rest of the Streams metrics.
 *
 * <p>Metrics (group {@value IngestCounters#METRICS_GROUP}, tag {@code application-id}):
 * {@code received-total}/{@code -rate}, {@code labelled-total}/{@code -rate},
 * {@code unlabelled-total}/{@code -rate}, {@code rejected-total}/{@code -rate}, and
 * {@code rejected-total}/{@code -rate} with an extra {@code reason} tag per rejection reason; for late
 * labels {@code labels-received-total}, {@code labels-joined-total}, {@code labels-repeated-total},
 * {@code labels-rejected-total} (also per {@code reason}: {@code orphan-label}, {@code duplicate} for
 * a conflicting label, and the validation reasons), each with its {@code -rate}.
 * The sensors are chained ({@code rejected.<reason>} records into {@code rejected}, and
 * {@code labelled}, {@code unlabelled} and {@code rejected} into {@code received}), so one
 * recording updates the totals and {@code received-total} is always their sum.
 *
 * <p>Sensors live in the registry of the Kafka Streams instance and are shared by the processors
 * of all its tasks: {@link StreamsMetrics#addSensor} returns the existing sensor of a name, and
 * a sensor ignores a metric it already holds. They are not removed when a task closes, so the
 * totals survive rebalances.
 */
final class IngestMetrics {

    /** The rejection reasons the ingest stage can produce; their metrics exist from the start. */
    static final List<String> REASONS = List.of(DeadLetters.UNDECODABLE, DeadLetters.SCHEMA, DeadLetters.MISSING_ID,
            DeadLetters.DIMENSION, DeadLetters.NON_FINITE, DeadLetters.LABEL_RANGE, DeadLetters.TOO_LARGE,
            DeadLetters.DUPLICATE);

    /** The rejection reasons of late labels; their metrics exist from the start. */
    static final List<String> LABEL_REASONS = List.of(DeadLetters.UNDECODABLE, DeadLetters.SCHEMA,
            DeadLetters.MISSING_ID, DeadLetters.LABEL_RANGE, DeadLetters.TOO_LARGE, DeadLetters.ORPHAN_LABEL,
            DeadLetters.DUPLICATE);

    private static final String PREFIX = "mnemo-ingest.";

    private final StreamsMetrics metrics;
    private final Map<String, String> tags;
    private final Sensor received;
    private final Sensor labelled;
    private final Sensor unlabelled;
    private final Sensor rejected;
    private final Map<String, Sensor> byReason = new ConcurrentHashMap<>();
    private final Sensor labelsReceived;
    private final Sensor labelsJoined;
    private final Sensor labelsRepeated;
    private final Sensor labelsRejected;
    private final Map<String, Sensor> labelsByReason = new ConcurrentHashMap<>();

    private IngestMetrics(StreamsMetrics metrics, String applicationId) {
        this.metrics = metrics;
        this.tags = Map.of("application-id", applicationId);
        this.received = sensor("received", "received", "records read from samples.raw", tags, null);
        this.labelled = sensor("labelled", "labelled", "samples written to samples.labelled", tags, received);
        this.unlabelled = sensor("unlabelled", "unlabelled", "samples written to samples.unlabelled", tags, received);
        this.rejected = sensor("rejected", "rejected", "records written to samples.dlq", tags, received);
        for (String reason : REASONS) {
            reason(reason);
        }
        this.labelsReceived = sensor("labels-received", "labels-received", "records read from labels", tags, null);
        this.labelsJoined = sensor("labels-joined", "labels-joined", "late labels joined to their sample", tags,
                labelsReceived);
        this.labelsRepeated = sensor("labels-repeated", "labels-repeated", "late labels equal to the one already known",
                tags, labelsReceived);
        this.labelsRejected = sensor("labels-rejected", "labels-rejected", "late labels written to samples.dlq", tags,
                labelsReceived);
        for (String reason : LABEL_REASONS) {
            labelReason(reason);
        }
    }

    static IngestMetrics register(StreamsMetrics metrics, String applicationId) {
        return new IngestMetrics(metrics, applicationId);
    }

    void labelled() {
        labelled.record();
    }

    void unlabelled() {
        unlabelled.record();
    }

    void rejected(String reason) {
        reason(reason).record();
    }

    void labelJoined() {
        labelsJoined.record();
    }

    void labelRepeated() {
        labelsRepeated.record();
    }

    void labelRejected(String reason) {
        labelReason(reason).record();
    }

    private Sensor labelReason(String reason) {
        return labelsByReason.computeIfAbsent(reason, r -> {
            Map<String, String> reasonTags = new LinkedHashMap<>(tags);
            reasonTags.put("reason", r);
            return sensor("labels-rejected." + r, "labels-rejected", "late labels written to samples.dlq for reason "
                    + r, reasonTags, labelsRejected);
        });
    }

    private Sensor reason(String reason) {
        return byReason.computeIfAbsent(reason, r -> {
            Map<String, String> reasonTags = new LinkedHashMap<>(tags);
            reasonTags.put("reason", r);
            return sensor("rejected." + r, "rejected", "records written to samples.dlq for reason " + r, reasonTags,
                    rejected);
        });
    }

    private Sensor sensor(String sensorName, String metricName, String description, Map<String, String> metricTags,
                          Sensor parent) {
        Sensor sensor = parent == null
                ? metrics.addSensor(PREFIX + sensorName, Sensor.RecordingLevel.INFO)
                : metrics.addSensor(PREFIX + sensorName, Sensor.RecordingLevel.INFO, parent);
        sensor.add(new MetricName(metricName + "-total", IngestCounters.METRICS_GROUP, "Total " + description,
                metricTags), new CumulativeCount());
        sensor.add(new MetricName(metricName + "-rate", IngestCounters.METRICS_GROUP,
                "Per-second rate of " + description, metricTags), new Rate(new WindowedCount()));
        return sensor;
    }
}
