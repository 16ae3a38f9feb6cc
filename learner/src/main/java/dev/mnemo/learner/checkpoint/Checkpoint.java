package dev.mnemo.learner.checkpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.Lwf;
import dev.mnemo.learner.strategy.Replay;

/**
 * A checkpoint read back and verified: its manifest and every part, loaded.
 *
 * @param info    sequence, time, model version and directory
 * @param content the model, teacher, buffer, state and offsets
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
     * task boundaries passed, the LwF state and teacher, and the replay buffer. The trainer must be
     * configured with the same strategies as the one that wrote the checkpoint.
     *
     * @throws IllegalArgumentException if the checkpoint does not fit the trainer (another model
     *                                  shape, LwF or replay missing on one side)
     */
    public void restoreInto(ContinualTrainer trainer) {
        Optional<Lwf> lwf = trainer.strategy(Lwf.class);
        Optional<Replay> replay = trainer.strategy(Replay.class);
        if (lwf.isPresent() != content.state().lwf().isPresent()) {
            throw new IllegalArgumentException("checkpoint " + info.sequence() + " was written by "
                    + content.state().strategy() + "; it does not fit " + trainer + " (LwF)");
        }
        if (replay.isPresent() != content.buffer().isPresent()) {
            throw new IllegalArgumentException("checkpoint " + info.sequence() + " was written by "
                    + content.state().strategy() + "; it does not fit " + trainer + " (replay)");
        }
        trainer.restore(content.model(), content.state().tasksEnded());
        lwf.ifPresent(l -> l.restore(content.state().lwf().orElseThrow(), content.teacher().orElse(null)));
        replay.ifPresent(r -> r.restore(content.buffer().orElseThrow(), content.model().version()));
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
