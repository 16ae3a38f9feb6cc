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
 */
public record LearnerState(String strategy, int tasksEnded, Optional<Lwf.State> lwf, Map<String, Integer> taskIndex) {

    public LearnerState {
        if (strategy == null || tasksEnded < 0 || lwf == null || taskIndex == null) {
            throw new IllegalArgumentException("strategy, lwf and taskIndex must be non-null and tasksEnded >= 0");
        }
        taskIndex = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskIndex));
    }
}
