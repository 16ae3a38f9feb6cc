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
 * The learner's running figures. Thread-safe: the poller counts what it receives and rejects, the
 * engine thread what it predicts and trains; other threads read the immutable {@link LearnerStatus}
 * it produces.
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

    synchronized void received(int count) {
        received += count;
    }

    /** Counts a rejection and returns the count for that reason. */
    synchronized long rejected(String reason) {
        return rejected.merge(reason, 1L, Long::sum);
    }

    synchronized void predicted(String task, Integer label, int predictedClass) {
        predicted++;
        if (label != null) {
            labelled++;
            boolean correct = label == predictedClass;
            accuracy.update(correct);
            taskAccuracy.update(task, correct);
        }
    }

    /** A late label scored against the prediction made when its sample arrived (or the current one). */
    synchronized void lateLabelled(String task, int label, int predictedClass, boolean matched) {
        lateLabelled++;
        if (!matched) {
            lateUnmatched++;
        }
        boolean correct = label == predictedClass;
        accuracy.update(correct);
        taskAccuracy.update(task, correct);
    }

    /** Counts what the engine did with one block. */
    synchronized void processed(dev.mnemo.learner.engine.BlockOutcome outcome) {
        for (dev.mnemo.learner.engine.Scored s : outcome.scored()) {
            var in = s.sample();
            Integer label = in.labelled() ? in.label() : null;
            if (in.lateLabel()) {
                lateLabelled(in.task(), in.label(), s.predicted(), s.matched());
            } else {
                predicted(in.task(), label, s.predicted());
            }
        }
        trainedSamples += outcome.trainedSamples();
        taskBoundaries += outcome.boundaries();
    }

    synchronized void taskBoundary() {
        taskBoundaries++;
    }

    synchronized void trained(int samples) {
        trainedSamples += samples;
    }

    synchronized void lag(long value) {
        lag = value;
    }

    synchronized LearnerStatus snapshot(String state, long modelVersion, String error, CheckpointInfo lastCheckpoint) {
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
