package dev.mnemo.learner.history;

/**
 * One decoded sample of a replayed range, with the coordinates of the record it came from.
 *
 * @param topic     the record's topic
 * @param partition the record's partition
 * @param offset    the record's offset
 * @param timestamp the record's timestamp (epoch ms), the order of the replay
 * @param id        the sample id
 * @param task      the task or domain tag, or null
 * @param label     the class, or {@link dev.mnemo.learner.strategy.Batch#UNLABELLED}
 * @param features  the input values (shared, not copied; never written)
 */
public record ReplaySample(String topic, int partition, long offset, long timestamp, String id, String task,
                           int label, float[] features) {

    /** Whether the sample carries a label. */
    public boolean labelled() {
        return label >= 0;
    }

    /** The task tag, {@code "none"} when the sample has none (as the live learner counts it). */
    public String taskTag() {
        return task == null ? "none" : task;
    }
}
