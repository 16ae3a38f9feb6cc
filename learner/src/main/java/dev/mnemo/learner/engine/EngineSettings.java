package dev.mnemo.learner.engine;

import java.util.Objects;

import dev.mnemo.learner.watch.WatchConfig;

/**
 * How the engine runs the prequential loop.
 *
 * @param modelName              the model's name, used in drift event and alert ids
 * @param trainBatchSize         labelled samples per training step, in [1, 100000]
 * @param taskBoundariesFromTags end a task when the first labelled sample of a new task tag arrives
 * @param driftBoundaries        end a task when the drift watch's checks confirm a drift
 *                               (novel inputs or a concept change)
 * @param pendingPredictions     predictions of unlabelled samples remembered so that a late label
 *                               is scored against the prediction made at arrival, at least 0
 * @param watch                  the drift watch ({@link WatchConfig#disabled()} for none)
 */
public record EngineSettings(String modelName, int trainBatchSize, boolean taskBoundariesFromTags,
                             boolean driftBoundaries, int pendingPredictions, WatchConfig watch) {

    public EngineSettings {
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must not be blank");
        }
        if (trainBatchSize < 1 || trainBatchSize > 100_000) {
            throw new IllegalArgumentException("trainBatchSize must be in [1, 100000], got " + trainBatchSize);
        }
        if (pendingPredictions < 0) {
            throw new IllegalArgumentException("pendingPredictions must be >= 0, got " + pendingPredictions);
        }
        Objects.requireNonNull(watch, "watch (use WatchConfig.disabled())");
    }

    public EngineSettings withTrainBatchSize(int size) {
        return new EngineSettings(modelName, size, taskBoundariesFromTags, driftBoundaries, pendingPredictions, watch);
    }

    public EngineSettings withWatch(WatchConfig settings) {
        return new EngineSettings(modelName, trainBatchSize, taskBoundariesFromTags, driftBoundaries,
                pendingPredictions, settings);
    }

    public EngineSettings withTaskBoundariesFromTags(boolean fromTags) {
        return new EngineSettings(modelName, trainBatchSize, fromTags, driftBoundaries, pendingPredictions, watch);
    }
}
