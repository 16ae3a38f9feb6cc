package dev.mnemo.learner.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small state of the trainer and the loop that a checkpoint keeps besides the model and the
 * strategies' states.
 *
 * @param strategy   a description of the trainer that wrote it (for people and for logs)
 * @param tasksEnded task boundaries the trainer has passed, at least 0
 * @param taskIndex  index of each task tag, in order of first labelled appearance (the loop's map)
 * @param watch      the drift watch's state (detectors, threshold, position), as opaque properties;
 *                   empty when the learner does not watch for drift
 */
public record LearnerState(String strategy, int tasksEnded, Map<String, Integer> taskIndex,
                           Map<String, String> watch) {

    public LearnerState {
        if (strategy == null || tasksEnded < 0 || taskIndex == null || watch == null) {
            throw new IllegalArgumentException("strategy, taskIndex and watch must be non-null and tasksEnded >= 0, got "
                    + tasksEnded);
        }
        taskIndex = Collections.unmodifiableMap(new LinkedHashMap<>(taskIndex));
        watch = Collections.unmodifiableMap(new TreeMap<>(watch));
    }

    /** Without drift-watch state. */
    public LearnerState(String strategy, int tasksEnded, Map<String, Integer> taskIndex) {
        this(strategy, tasksEnded, taskIndex, Map.of());
    }
}
