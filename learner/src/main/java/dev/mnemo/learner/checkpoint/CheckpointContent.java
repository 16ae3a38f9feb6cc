package dev.mnemo.learner.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategyState;

/**
 * What goes into one checkpoint: the model, each strategy's state by strategy id, the small state
 * of the trainer and the loop, and the offsets. The parts are the live objects, not copies: write it
 * on the thread that trains, between steps.
 *
 * <pre>{@code
 * CheckpointContent content = CheckpointContent.capture(trainer, taskIndex, offsets, watch.snapshot());
 * content.strategy("lwf").flatMap(s -> s.network("teacher"));   // the teacher, when LwF has one
 * }</pre>
 *
 * @param model      the trained model (saved with its optimiser state and version)
 * @param strategies every configured strategy's state, by {@link dev.mnemo.learner.strategy.ContinualStrategy#id()},
 *                   in the trainer's order (a map of none for plain fine-tuning)
 * @param state      the small state of the trainer and the loop
 * @param offsets    the next offset of every input partition
 */
public record CheckpointContent(Classifier model, Map<String, StrategyState> strategies, LearnerState state,
                                List<ConsumedOffset> offsets) {

    public CheckpointContent {
        if (model == null || strategies == null || state == null || offsets == null) {
            throw new IllegalArgumentException("model, strategies, state and offsets must be non-null");
        }
        strategies.forEach((id, s) -> {
            if (id == null || !StrategyState.PART_NAME.matcher(id).matches() || s == null) {
                throw new IllegalArgumentException("strategy ids must match " + StrategyState.PART_NAME
                        + " and states be non-null, got '" + id + "'");
            }
        });
        strategies = Collections.unmodifiableMap(new LinkedHashMap<>(strategies));
        offsets = List.copyOf(offsets);
    }

    /** The state of the strategy with this id, if it was configured. */
    public Optional<StrategyState> strategy(String id) {
        return Optional.ofNullable(strategies.get(id));
    }

    /**
     * The content of a checkpoint of {@code trainer} as it is now.
     *
     * @throws IllegalStateException if a strategy's state cannot be checkpointed (replay with a buffer
     *                               that is not a {@code CompactReplayBuffer})
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
        LearnerState state = new LearnerState(trainer.toString(), trainer.tasksEnded(), taskIndex, watch);
        return new CheckpointContent(trainer.model(), trainer.states(), state, offsets);
    }

    /**
     * A deep copy (model, networks and buffers copied), independent of the trainer from now on: take
     * it on the thread that trains, write it on another one.
     */
    public CheckpointContent detached() {
        Map<String, StrategyState> states = new java.util.LinkedHashMap<>();
        strategies.forEach((id, s) -> states.put(id, s.detached()));
        return new CheckpointContent(model.copy(), states, state, offsets);
    }
}
