package dev.mnemo.learner.checkpoint;

/**
 * The next offset to read from one input partition, as a checkpoint records it: every record before
 * {@code nextOffset} has been predicted and trained on by the checkpointed model.
 *
 * @param topic      the topic, non-blank
 * @param partition  the partition, at least 0
 * @param nextOffset the first offset not yet processed, at least 0
 */
public record ConsumedOffset(String topic, int partition, long nextOffset) {

    public ConsumedOffset {
        if (topic == null || topic.isBlank() || topic.indexOf('/') >= 0) {
            throw new IllegalArgumentException("topic must be non-blank and hold no '/', got '" + topic + "'");
        }
        if (partition < 0 || nextOffset < 0) {
            throw new IllegalArgumentException("partition and nextOffset must be >= 0, got " + partition + " and "
                    + nextOffset);
        }
    }
}
