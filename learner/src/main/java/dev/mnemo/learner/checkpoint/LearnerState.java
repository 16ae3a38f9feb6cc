package dev.mnemo.learner.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.mnemo.learner.strategy.Lwf;

/**
 * The small state of the learner that a checkpoint keeps besides networks and the replay buffer.
 *
 * @param strategy   a description of the trainer that wrote it (for people and for logs)
 * @param tasksEnded task boundaries the trainer has passed
 * @param lwf        the LwF strategy's state, when LwF is configured
 * @param taskIndex  index of each task tag, in order of first labelled appearance (the loop's map)
 * @param watch      the drift watch's state (detectors, threshold, position), as opaque properties;
 *                   empty when the learner does not watch for drift
 */
public record LearnerState(String strategy, int tasksEnded, Optional<Lwf.State> lwf, Map<String, Integer> taskIndex,
                           Map<String, String> watch) {

    public LearnerState {
        if (strategy == null || tasksEnded < 0 || lwf == null || taskIndex == null || watch == null) {
            throw new IllegalArgumentException("strategy, lwf, taskIndex and watch must be non-null and tasksEnded >= 0");
        }
        taskIndex = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskIndex));
        watch = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(watch));
    }

    /** Without drift-watch state. */
    public LearnerState(String strategy, int tasksEnded, Optional<Lwf.State> lwf, Map<String, Integer> taskIndex) {
        this(strategy, tasksEnded, lwf, taskIndex, Map.of());
    }
}
