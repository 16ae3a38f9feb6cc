package dev.mnemo.learner.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.Lwf;
import dev.mnemo.learner.strategy.Replay;
import dev.mnemo.replay.CompactReplayBuffer;

/**
 * What goes into one checkpoint. The parts are the live objects, not copies: write it on the thread
 * that trains, between steps.
 *
 * @param model   the trained model (saved with its optimiser state and version)
 * @param teacher the LwF teacher, if any
 * @param buffer  the replay buffer, if replay is configured
 * @param state   the small state of the trainer and the loop
 * @param offsets the next offset of every input partition
 */
public record CheckpointContent(Classifier model, Optional<Classifier> teacher, Optional<CompactReplayBuffer> buffer,
                                LearnerState state, List<ConsumedOffset> offsets) {

    public CheckpointContent {
        if (model == null || teacher == null || buffer == null || state == null || offsets == null) {
            throw new IllegalArgumentException("every part must be non-null (use Optional.empty())");
        }
        offsets = List.copyOf(offsets);
    }

    /**
     * The content of a checkpoint of {@code trainer} as it is now.
     *
     * @throws IllegalArgumentException if replay is configured with a buffer that cannot be snapshot
     *                                  (one that is not a {@link CompactReplayBuffer})
     */
    public static CheckpointContent capture(ContinualTrainer trainer, Map<String, Integer> taskIndex,
                                            List<ConsumedOffset> offsets) {
        return capture(trainer, taskIndex, offsets, Map.of());
    }

    /**
     * As {@link #capture(ContinualTrainer, Map, List)}, with the drift watch's state.
     *
     * @param watch the drift watch's state as opaque properties (empty: none)
     */
    public static CheckpointContent capture(ContinualTrainer trainer, Map<String, Integer> taskIndex,
                                            List<ConsumedOffset> offsets, Map<String, String> watch) {
        Optional<Lwf> lwf = trainer.strategy(Lwf.class);
        Optional<CompactReplayBuffer> buffer = trainer.strategy(Replay.class).map(r -> {
            if (r.buffer() instanceof CompactReplayBuffer compact) {
                return compact;
            }
            throw new IllegalArgumentException("the replay buffer " + r.buffer().getClass().getSimpleName()
                    + " cannot be checkpointed; use a CompactReplayBuffer");
        });
        LearnerState state = new LearnerState(trainer.toString(), trainer.tasksEnded(), lwf.map(Lwf::state), taskIndex,
                watch);
        return new CheckpointContent(trainer.model(), lwf.flatMap(Lwf::teacher), buffer, state, offsets);
    }
}
