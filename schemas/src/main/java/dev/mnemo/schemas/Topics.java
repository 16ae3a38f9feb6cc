package dev.mnemo.schemas;

import java.util.List;
import java.util.Objects;

/**
 * The names of Mnemo's topics, under one configurable prefix.
 *
 * <p>The suffixes are constants so that code, tests and deployment manifests agree on them; the
 * prefix (default {@value #DEFAULT_PREFIX}) lets several Mnemo installations share one cluster.
 *
 * <pre>{@code
 * Topics topics = Topics.withPrefix("mnemo.");
 * topics.samplesRaw();   // "mnemo.samples.raw"
 * }</pre>
 */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "mnemo.";

    public static final String SAMPLES_RAW = "samples.raw";
    public static final String LABELS = "labels";
    public static final String SAMPLES_LABELLED = "samples.labelled";
    public static final String SAMPLES_UNLABELLED = "samples.unlabelled";
    public static final String SAMPLES_DLQ = "samples.dlq";
    public static final String PREDICTIONS = "predictions";
    public static final String DRIFT_EVENTS = "drift.events";
    public static final String ALERTS = "alerts";
    public static final String LABEL_REQUESTS = "label.requests";
    public static final String MODELS = "models";
    /** The audit trail of the learner's admin API ({@code AdminEvent} records); plain retention. */
    public static final String ADMIN_EVENTS = "admin.events";

    /** Every topic suffix, in pipeline order. */
    public static final List<String> ALL_SUFFIXES = List.of(SAMPLES_RAW, LABELS, SAMPLES_LABELLED,
            SAMPLES_UNLABELLED, SAMPLES_DLQ, PREDICTIONS, DRIFT_EVENTS, ALERTS, LABEL_REQUESTS, MODELS,
            ADMIN_EVENTS);

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.isEmpty() && !prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "topic prefix must contain only letters, digits, '.', '_' and '-', got '" + prefix + "'");
        }
    }

    /** The default topics, prefixed with {@value #DEFAULT_PREFIX}. */
    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public static Topics withPrefix(String prefix) {
        return new Topics(prefix);
    }

    public String name(String suffix) {
        return prefix + suffix;
    }

    public String samplesRaw() {
        return name(SAMPLES_RAW);
    }

    public String labels() {
        return name(LABELS);
    }

    public String samplesLabelled() {
        return name(SAMPLES_LABELLED);
    }

    public String samplesUnlabelled() {
        return name(SAMPLES_UNLABELLED);
    }

    public String samplesDlq() {
        return name(SAMPLES_DLQ);
    }

    public String predictions() {
        return name(PREDICTIONS);
    }

    public String driftEvents() {
        return name(DRIFT_EVENTS);
    }

    public String alerts() {
        return name(ALERTS);
    }

    public String labelRequests() {
        return name(LABEL_REQUESTS);
    }

    public String models() {
        return name(MODELS);
    }

    public String adminEvents() {
        return name(ADMIN_EVENTS);
    }

    /** Every topic name, in pipeline order. */
    public List<String> all() {
        return ALL_SUFFIXES.stream().map(this::name).toList();
    }
}
