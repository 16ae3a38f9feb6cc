package dev.mnemo.learner.stream;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.eval.TaskAccuracy;

/**
 * An immutable snapshot of what the learner has done, published after every batch.
 *
 * <p>Invariant: {@code received == predicted + lateLabelled + rejected total}. Accuracy figures are prequential
 * (each labelled sample is scored by the model before the model trains on it) and are NaN until
 * the first labelled sample.
 *
 * @param state             STARTING, RUNNING, STOPPED or FAILED
 * @param received          records taken from the input topics
 * @param predicted         samples that received a prediction (valid records)
 * @param labelled          predicted samples that carried a label
 * @param unlabelled        predicted samples without a label
 * @param lateLabelled      labelled samples whose label arrived after the sample (joined by ingest); they
 *                          were predicted when they first arrived and are scored, not predicted again
 * @param lateUnmatched     late-labelled samples whose first prediction was no longer remembered (for
 *                          example after a restart); they are scored with the current model instead
 * @param taskBoundaries    task boundaries the strategy was told of
 * @param rejected          records sent to the dead-letter topic by the learner, per reason
 * @param trainedSamples    labelled samples trained on
 * @param modelVersion      training steps taken by the model
 * @param accuracy          prequential accuracy over all labelled samples
 * @param windowAccuracy    prequential accuracy over the last {@code window} labelled samples
 * @param tasks             prequential accuracy per task tag, in order of first appearance
 * @param samplesPerSecond  recent rate of predicted samples
 * @param lag               records behind the end of the input partitions (-1 until measured)
 * @param startedAt         when the loop started
 * @param updatedAt         when this snapshot was taken
 * @param error             why the loop failed, or null
 * @param lastCheckpoint    the last checkpoint written or restored, or null (none, or checkpoints off)
 */
public record LearnerStatus(String state, long received, long predicted, long labelled, long unlabelled,
                            long lateLabelled, long lateUnmatched, long taskBoundaries,
                            Map<String, Long> rejected, long trainedSamples, long modelVersion,
                            double accuracy, double windowAccuracy, List<TaskAccuracy.TaskSnapshot> tasks,
                            double samplesPerSecond, long lag, Instant startedAt, Instant updatedAt,
                            String error, CheckpointInfo lastCheckpoint) {

    public LearnerStatus {
        rejected = Map.copyOf(rejected);
        tasks = List.copyOf(tasks);
    }

    /** Total records rejected by the learner. */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    static LearnerStatus starting(Instant now) {
        return new LearnerStatus("STARTING", 0, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, Double.NaN, Double.NaN, List.of(),
                0, -1, now, now, null, null);
    }
}
