package dev.mnemo.ingest.demo;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.header.Header;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.v1.Prediction;

/**
 * Scores the learner from the outside: reads what it published on {@code predictions} and what
 * landed on {@code samples.dlq}, and keeps the demo's figures.
 *
 * <p>Stream predictions that carry a label are scored prequentially (the learner predicts before it
 * trains); per task it also keeps a sliding window of the last {@code window} labelled samples, whose
 * value when the task's samples stop arriving is the task's window accuracy at its end. Hold-out
 * predictions (source {@link #HOLDOUT_SOURCE}) are scored against labels the tally is given, since
 * they are sent unlabelled so that the learner does not train on them.
 *
 * <p>Not thread-safe: one thread feeds it; others read {@link #snapshot()} results only after
 * handing over through a synchronized call.
 */
final class PredictionTally {

    static final String HOLDOUT_SOURCE = "mnemo-holdout";

    /** Per-task figures; accuracy NaN when nothing was scored. */
    record TaskFigures(String task, long samples, long labelled, long correct, double windowAccuracy,
                       long holdout, long holdoutCorrect) {
        double accuracy() {
            return labelled == 0 ? Double.NaN : (double) correct / labelled;
        }

        double holdoutAccuracy() {
            return holdout == 0 ? Double.NaN : (double) holdoutCorrect / holdout;
        }
    }

    /** Everything the demo prints. */
    record Snapshot(long predictions, long distinctPredicted, long labelled, long correct, long holdoutPredictions,
                    Map<String, Long> rejected, Map<String, TaskFigures> tasks, long firstPredictionMillis,
                    long lastStreamPredictionMillis) {
        double accuracy() {
            return labelled == 0 ? Double.NaN : (double) correct / labelled;
        }

        long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static final class TaskState {
        long samples;
        long labelled;
        long correct;
        long holdout;
        long holdoutCorrect;
        final boolean[] ring;
        int ringSize;
        int ringNext;
        int ringCorrect;

        TaskState(int window) {
            ring = new boolean[window];
        }

        void window(boolean hit) {
            if (ringSize == ring.length) {
                if (ring[ringNext]) {
                    ringCorrect--;
                }
            } else {
                ringSize++;
            }
            ring[ringNext] = hit;
            if (hit) {
                ringCorrect++;
            }
            ringNext = (ringNext + 1) % ring.length;
        }

        double windowAccuracy() {
            return ringSize == 0 ? Double.NaN : (double) ringCorrect / ringSize;
        }
    }

    private final int window;
    private final ToIntFunction<String> holdoutLabel;
    private final Set<String> predictedIds = new HashSet<>();
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private long predictions;
    private long labelled;
    private long correct;
    private long holdoutPredictions;
    private long firstPredictionMillis = -1;
    private long lastStreamPredictionMillis = -1;

    /**
     * @param window       labelled samples in each task's sliding window, at least 1
     * @param holdoutLabel the true label of a hold-out sample id
     */
    PredictionTally(int window, ToIntFunction<String> holdoutLabel) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        this.window = window;
        this.holdoutLabel = holdoutLabel;
    }

    synchronized void prediction(Prediction p, long nowMillis) {
        String task = p.getTask() == null ? "none" : p.getTask();
        TaskState state = tasks.computeIfAbsent(task, t -> new TaskState(window));
        if (HOLDOUT_SOURCE.equals(p.getSource())) {
            holdoutPredictions++;
            state.holdout++;
            if (p.getPredictedClass() == holdoutLabel.applyAsInt(p.getSampleId())) {
                state.holdoutCorrect++;
            }
            return;
        }
        if (firstPredictionMillis < 0) {
            firstPredictionMillis = nowMillis;
        }
        lastStreamPredictionMillis = nowMillis;
        predictions++;
        predictedIds.add(p.getSampleId());
        state.samples++;
        if (p.getLabel() != null) {
            boolean hit = p.getLabel() == p.getPredictedClass();
            labelled++;
            state.labelled++;
            if (hit) {
                correct++;
                state.correct++;
            }
            state.window(hit);
        }
    }

    synchronized void deadLetter(Iterable<Header> headers) {
        String stage = "unknown";
        String reason = "unknown";
        for (Header h : headers) {
            if (DeadLetters.HEADER_REASON.equals(h.key())) {
                reason = new String(h.value(), StandardCharsets.UTF_8);
            } else if (DeadLetters.HEADER_STAGE.equals(h.key())) {
                stage = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        rejected.merge(DeadLetters.STAGE_INGEST.equals(stage) ? reason : stage + "/" + reason, 1L, Long::sum);
    }

    synchronized Snapshot snapshot() {
        Map<String, TaskFigures> figures = new LinkedHashMap<>();
        tasks.forEach((t, s) -> figures.put(t, new TaskFigures(t, s.samples, s.labelled, s.correct,
                s.windowAccuracy(), s.holdout, s.holdoutCorrect)));
        return new Snapshot(predictions, predictedIds.size(), labelled, correct, holdoutPredictions,
                Map.copyOf(rejected), figures, firstPredictionMillis, lastStreamPredictionMillis);
    }
}
