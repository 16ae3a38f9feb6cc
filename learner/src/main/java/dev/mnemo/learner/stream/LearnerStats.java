package dev.mnemo.learner.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.eval.PrequentialAccuracy;
import dev.mnemo.learner.eval.TaskAccuracy;

/**
 * The learner's running figures. Mutable and NOT thread-safe: only the loop thread updates it;
 * other threads read the immutable {@link LearnerStatus} it produces.
 */
final class LearnerStats {

    private final Clock clock;
    private final Instant startedAt;
    private final PrequentialAccuracy accuracy;
    private final TaskAccuracy taskAccuracy;
    private final Map<String, Long> rejected = new TreeMap<>();
    private final Duration rateInterval;

    private long received;
    private long predicted;
    private long labelled;
    private long trainedSamples;
    private long lateLabelled;
    private long lateUnmatched;
    private long taskBoundaries;
    private long lag = -1;

    private Instant rateMark;
    private long predictedAtMark;
    private double samplesPerSecond;

    LearnerStats(Clock clock, int accuracyWindow, Duration rateInterval) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.accuracy = new PrequentialAccuracy(accuracyWindow);
        this.taskAccuracy = new TaskAccuracy(accuracyWindow);
        this.rateInterval = rateInterval;
        this.rateMark = startedAt;
    }

    void received(int count) {
        received += count;
    }

    /** Counts a rejection and returns the count for that reason. */
    long rejected(String reason) {
        return rejected.merge(reason, 1L, Long::sum);
    }

    void predicted(String task, Integer label, int predictedClass) {
        predicted++;
        if (label != null) {
            labelled++;
            boolean correct = label == predictedClass;
            accuracy.update(correct);
            taskAccuracy.update(task, correct);
        }
    }

    /** A late label scored against the prediction made when its sample arrived (or the current one). */
    void lateLabelled(String task, int label, int predictedClass, boolean matched) {
        lateLabelled++;
        if (!matched) {
            lateUnmatched++;
        }
        boolean correct = label == predictedClass;
        accuracy.update(correct);
        taskAccuracy.update(task, correct);
    }

    void taskBoundary() {
        taskBoundaries++;
    }

    void trained(int samples) {
        trainedSamples += samples;
    }

    void lag(long value) {
        lag = value;
    }

    LearnerStatus snapshot(String state, long modelVersion, String error, CheckpointInfo lastCheckpoint) {
        Instant now = clock.instant();
        Duration sinceMark = Duration.between(rateMark, now);
        if (sinceMark.compareTo(rateInterval) >= 0) {
            samplesPerSecond = (predicted - predictedAtMark) * 1000.0 / Math.max(1, sinceMark.toMillis());
            rateMark = now;
            predictedAtMark = predicted;
        }
        return new LearnerStatus(state, received, predicted, labelled, predicted - labelled,
                lateLabelled, lateUnmatched, taskBoundaries, rejected,
                trainedSamples, modelVersion, accuracy.accuracy(), accuracy.windowAccuracy(),
                taskAccuracy.snapshot(), samplesPerSecond, lag, startedAt, now, error, lastCheckpoint);
    }
}
