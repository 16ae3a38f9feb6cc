package dev.mnemo.learner.stream;

import dev.mnemo.learner.watch.WatchConfig;

import java.time.Duration;
import java.util.Objects;

import dev.mnemo.schemas.Topics;

/**
 * Settings of the learner's consume-predict-train loop.
 *
 * @param topics           the topic names (prefix included)
 * @param groupId          consumer group of the learner replicas; replicas in one group share the partitions
 * @param modelName        name stamped on every prediction
 * @param maxPollRecords   the most records taken in one batch, at least 1
 * @param trainBatchSize   labelled samples per gradient step, at least 1; a batch is split into steps
 * @param accuracyWindow   labelled samples in the sliding prequential-accuracy window, at least 1
 * @param pollTimeout      how long one poll waits for records
 * @param servingRefresh   how often the serving copy of the model is refreshed
 * @param lagInterval      how often consumer lag is measured
 * @param pendingPredictions predictions of unlabelled samples remembered for scoring a late label,
 *                         at least 0; the oldest are forgotten first
 * @param taskBoundariesFromTags end a task for the strategy when labelled samples of a new task tag
 *                         arrive; false for streams without task labels
 * @param checkpoints      checkpointing of the learner state, or {@link Checkpoints#disabled()}
 * @param watch            drift detection, checks and alerts ({@link WatchConfig#disabled()} for none)
 */
public record LearnerLoopConfig(Topics topics, String groupId, String modelName, int maxPollRecords,
                                int trainBatchSize, int accuracyWindow, Duration pollTimeout,
                                Duration servingRefresh, Duration lagInterval, int pendingPredictions,
                                boolean taskBoundariesFromTags, Checkpoints checkpoints, WatchConfig watch) {

    /**
     * Checkpoints of the model, replay buffer, strategy state and consumed offsets. With a directory,
     * the loop writes one every {@code everyBatches} batches or {@code interval}, whichever comes
     * first, and commits offsets to Kafka only once the checkpoint holding them is durable; without
     * one (null), it commits after every batch and keeps no state across restarts.
     *
     * @param directory    where checkpoints go, or null to disable them
     * @param everyBatches batches between checkpoints, at least 1
     * @param interval     the longest time between checkpoints while records arrive, positive
     * @param keep         checkpoints kept, at least 1
     */
    public record Checkpoints(java.nio.file.Path directory, int everyBatches, Duration interval, int keep) {
        public Checkpoints {
            if (everyBatches < 1) {
                throw new IllegalArgumentException("checkpoint everyBatches must be >= 1, got " + everyBatches);
            }
            requirePositive(interval, "checkpoint interval");
            if (keep < 1) {
                throw new IllegalArgumentException("checkpoint keep must be >= 1, got " + keep);
            }
        }

        /** No checkpoints (the defaults apply once a directory is given). */
        public static Checkpoints disabled() {
            return new Checkpoints(null, 50, Duration.ofSeconds(30), 3);
        }

        /** Checkpoints in {@code directory}, every 50 batches or 30 s, the last 3 kept. */
        public static Checkpoints in(java.nio.file.Path directory) {
            return new Checkpoints(Objects.requireNonNull(directory, "directory"), 50, Duration.ofSeconds(30), 3);
        }

        public boolean enabled() {
            return directory != null;
        }

        public Checkpoints every(int batches, Duration time) {
            return new Checkpoints(directory, batches, time, keep);
        }
    }

    /** Without drift watch. */
    public LearnerLoopConfig(Topics topics, String groupId, String modelName, int maxPollRecords,
                             int trainBatchSize, int accuracyWindow, Duration pollTimeout,
                             Duration servingRefresh, Duration lagInterval, int pendingPredictions,
                             boolean taskBoundariesFromTags, Checkpoints checkpoints) {
        this(topics, groupId, modelName, maxPollRecords, trainBatchSize, accuracyWindow, pollTimeout, servingRefresh,
                lagInterval, pendingPredictions, taskBoundariesFromTags, checkpoints, WatchConfig.disabled());
    }

    /** Without checkpoints and drift watch. */
    public LearnerLoopConfig(Topics topics, String groupId, String modelName, int maxPollRecords,
                             int trainBatchSize, int accuracyWindow, Duration pollTimeout,
                             Duration servingRefresh, Duration lagInterval, int pendingPredictions,
                             boolean taskBoundariesFromTags) {
        this(topics, groupId, modelName, maxPollRecords, trainBatchSize, accuracyWindow, pollTimeout, servingRefresh,
                lagInterval, pendingPredictions, taskBoundariesFromTags, Checkpoints.disabled());
    }

    public LearnerLoopConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(checkpoints, "checkpoints (use Checkpoints.disabled())");
        Objects.requireNonNull(watch, "watch (use WatchConfig.disabled())");
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must not be blank");
        }
        if (maxPollRecords < 1 || maxPollRecords > 100_000) {
            throw new IllegalArgumentException("maxPollRecords must be in [1, 100000], got " + maxPollRecords);
        }
        if (trainBatchSize < 1 || trainBatchSize > 100_000) {
            throw new IllegalArgumentException("trainBatchSize must be in [1, 100000], got " + trainBatchSize);
        }
        if (accuracyWindow < 1) {
            throw new IllegalArgumentException("accuracyWindow must be >= 1, got " + accuracyWindow);
        }
        requirePositive(pollTimeout, "pollTimeout");
        requirePositive(servingRefresh, "servingRefresh");
        requirePositive(lagInterval, "lagInterval");
        if (pendingPredictions < 0) {
            throw new IllegalArgumentException("pendingPredictions must be >= 0, got " + pendingPredictions);
        }
    }

    /**
     * Defaults for the given topics: group mnemo-learner, 512 records a batch, 64 per step, window
     * 1000, 100,000 pending predictions, no checkpoints, drift watch on with its defaults.
     */
    public static LearnerLoopConfig defaults(Topics topics) {
        return new LearnerLoopConfig(topics, "mnemo-learner", "default", 512, 64, 1000,
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(2), 100_000, true,
                Checkpoints.disabled(), WatchConfig.defaults());
    }

    public LearnerLoopConfig withGroupId(String id) {
        return new LearnerLoopConfig(topics, id, modelName, maxPollRecords, trainBatchSize, accuracyWindow,
                pollTimeout, servingRefresh, lagInterval, pendingPredictions, taskBoundariesFromTags, checkpoints, watch);
    }

    public LearnerLoopConfig withCheckpoints(Checkpoints settings) {
        return new LearnerLoopConfig(topics, groupId, modelName, maxPollRecords, trainBatchSize, accuracyWindow,
                pollTimeout, servingRefresh, lagInterval, pendingPredictions, taskBoundariesFromTags, settings, watch);
    }

    public LearnerLoopConfig withMaxPollRecords(int records) {
        return new LearnerLoopConfig(topics, groupId, modelName, records, trainBatchSize, accuracyWindow,
                pollTimeout, servingRefresh, lagInterval, pendingPredictions, taskBoundariesFromTags, checkpoints, watch);
    }

    public LearnerLoopConfig withWatch(WatchConfig settings) {
        return new LearnerLoopConfig(topics, groupId, modelName, maxPollRecords, trainBatchSize, accuracyWindow,
                pollTimeout, servingRefresh, lagInterval, pendingPredictions, taskBoundariesFromTags, checkpoints, settings);
    }

    /** The engine's settings: confirmed drifts end tasks too. */
    public dev.mnemo.learner.engine.EngineSettings engineSettings() {
        return new dev.mnemo.learner.engine.EngineSettings(modelName, trainBatchSize, taskBoundariesFromTags, true,
                pendingPredictions, watch);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
