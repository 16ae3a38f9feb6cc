package dev.mnemo.learner.engine;

/**
 * One decoded sample in stream order, as the engine sees it: no Kafka type, only the coordinates of
 * the record it came from, so that live consumption and historical replay hand the engine the same
 * thing.
 *
 * @param id         the sample id, unique per source
 * @param source     the producing system
 * @param eventTime  the event time, epoch milliseconds
 * @param features   the input values (shared, not copied; never written)
 * @param label      the class, or {@link #UNLABELLED}
 * @param task       the task or domain tag, or null
 * @param lateLabel  true when the label arrived after the sample, which was predicted then: it is
 *                   scored against that prediction and not predicted or published again
 * @param topic      the record's topic
 * @param partition  the record's partition
 * @param offset     the record's offset
 */
public record StreamSample(String id, String source, long eventTime, float[] features, int label, String task,
                           boolean lateLabel, String topic, int partition, long offset) {

    /** The label of a sample without one. */
    public static final int UNLABELLED = -1;

    public StreamSample {
        if (id == null || features == null || topic == null) {
            throw new IllegalArgumentException("id, features and topic must be non-null");
        }
        if (label < UNLABELLED) {
            throw new IllegalArgumentException("label must be >= 0, or -1 for none, got " + label);
        }
        if (lateLabel && label == UNLABELLED) {
            throw new IllegalArgumentException("a late label needs a label (sample " + id + ")");
        }
    }

    /** Whether the sample carries a label. */
    public boolean labelled() {
        return label >= 0;
    }

    /** The task tag, {@code "none"} when the sample has none. */
    public String taskTag() {
        return task == null ? "none" : task;
    }

    /** The key under which a prediction is remembered for a late label: source and id. */
    String key() {
        return source + "/" + id;
    }
}
