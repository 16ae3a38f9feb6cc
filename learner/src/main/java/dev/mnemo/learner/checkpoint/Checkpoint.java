package dev.mnemo.learner.checkpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.ContinualTrainer;

/**
 * A checkpoint read back and verified: its manifest and every part, loaded.
 *
 * @param info    sequence, time, model version and directory
 * @param content the model, the strategies' states, the small state and the offsets
 */
public record Checkpoint(CheckpointInfo info, CheckpointContent content) {

    /** The checkpointed next offset per {@code topic/partition}. */
    public Map<String, Long> offsetsByPartition() {
        Map<String, Long> out = new HashMap<>();
        for (ConsumedOffset o : content.offsets()) {
            out.put(o.topic() + "/" + o.partition(), o.nextOffset());
        }
        return out;
    }

    /**
     * Puts {@code trainer} in the checkpointed state: model (parameters, optimiser state, version),
     * task boundaries passed, and every strategy's own state. The trainer must be configured with
     * the strategies (by id) of the one that wrote the checkpoint.
     *
     * @throws IllegalArgumentException if the checkpoint does not fit the trainer (another model
     *                                  shape, a strategy missing on one side, a state its strategy
     *                                  does not read), saying which
     */
    public void restoreInto(ContinualTrainer trainer) {
        try {
            trainer.restore(content.model(), content.state().tasksEnded(), content.strategies());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + info.sequence() + " was written by "
                    + content.state().strategy() + "; it does not fit " + trainer + ": " + e.getMessage(), e);
        }
    }

    /** The model, as loaded (the same object {@link #restoreInto} hands to the trainer). */
    public Classifier model() {
        return content.model();
    }

    /** The consumed offsets. */
    public List<ConsumedOffset> offsets() {
        return content.offsets();
    }
}
