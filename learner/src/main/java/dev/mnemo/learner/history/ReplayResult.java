package dev.mnemo.learner.history;

import dev.mnemo.learner.model.Classifier;

import java.util.List;
import java.util.Map;

import dev.mnemo.learner.eval.TaskAccuracy;
import dev.mnemo.learner.strategy.StrategySpec;

/**
 * Everything a replay measured, for the JSON and HTML reports: the exact offsets read, the
 * configuration, the starting model, and per lane the prequential figures, the accuracy matrix on
 * the holdout with ACC / BWT / FWT / forgetting, drift events and throughput.
 *
 * <p>Accuracies are {@code NaN} where nothing was there to measure (no holdout sample of a task,
 * for example); the JSON writes them as null.
 *
 * @param range      the range asked for
 * @param partitions the resolved offsets of every partition and what was read from each
 * @param config     the evaluation configuration
 * @param start      the starting model
 * @param counts     records read, decoded, rejected (by reason), held out, trained on
 * @param tasks      task tags, in order of first labelled appearance in training
 * @param holdoutPerTask held-out samples kept per task tag
 * @param seconds    wall time of the pass over the data (read, decode, all lanes, holdout evaluation)
 * @param readerCpuSeconds CPU time of the reading thread (read, decode, dispatch, holdout evaluation;
 *                   the lanes too when they run on it)
 * @param lanes      one per strategy configuration, in configuration order
 */
public record ReplayResult(ReplayRange range, List<RangeReader.PartitionRange> partitions, ReplayConfig config,
                           StartingModel start, Counts counts, List<String> tasks, Map<String, Integer> holdoutPerTask,
                           double seconds, double readerCpuSeconds, List<LaneResult> lanes) {

    /** Records per second of the whole pass. */
    public double recordsPerSecond() {
        return seconds > 0 ? counts.read() / seconds : Double.NaN;
    }

    /**
     * How the records of the range were used: {@code read == valid + rejected}, {@code valid ==
     * trained + heldOut + heldOutUnlabelled}.
     *
     * @param read        records read from Kafka inside the range
     * @param outsideTime records inside the offsets but outside the time bounds, skipped
     * @param valid       records that decoded into usable samples
     * @param rejected    records that did not, by reason (the dead-letter reasons)
     * @param labelled    valid samples with a label
     * @param trained     samples fed to the lanes (labelled and unlabelled)
     * @param heldOut     labelled samples kept out of training
     * @param heldOutUnlabelled unlabelled samples the holdout rule picked, skipped
     */
    public record Counts(long read, long outsideTime, long valid, Map<String, Long> rejected, long labelled,
                         long trained, long heldOut, long heldOutUnlabelled) {
    }

    /**
     * One strategy configuration's figures.
     *
     * @param name           display name
     * @param spec           the configuration
     * @param scored         labelled samples predicted before training on them
     * @param correct        of which right
     * @param accuracy       prequential accuracy over the whole range
     * @param windowAccuracy prequential accuracy over the last window
     * @param perClass       prequential accuracy per class (count, correct, accuracy)
     * @param perTask        prequential accuracy per task tag
     * @param curve          accuracy over time
     * @param drifts         ADWIN detections on the error stream
     * @param alerts         the alerts of the live learner's drift watch run on the lane, with verdicts
     * @param matrix         the accuracy matrix on the holdout, with its metrics (null without tasks)
     * @param holdout        the final model on the whole holdout (null without holdout)
     * @param finalVersion   model version at the end
     * @param steps          training steps that updated the model
     * @param trainedSamples labelled samples trained on
     * @param taskBoundaries task ends passed during the replay
     * @param busySeconds    time the lane spent predicting and training
     * @param cpuSeconds     CPU time of that, on the lane's thread
     * @param model          the lane's model at the end (not in the JSON report)
     */
    public record LaneResult(String name, StrategySpec spec, long scored, long correct, double accuracy,
                             double windowAccuracy, List<ClassScore> perClass, List<TaskAccuracy.TaskSnapshot> perTask,
                             List<CurvePoint> curve, List<DriftMark> drifts, List<DriftMark> alerts, Matrix matrix,
                             HoldoutScore holdout,
                             long finalVersion, long steps, long trainedSamples, int taskBoundaries,
                             double busySeconds, double cpuSeconds, Classifier model) {

        public LaneResult {
            drifts = List.copyOf(drifts);
            alerts = List.copyOf(alerts);
        }
    }

    /** Prequential accuracy of one class. */
    public record ClassScore(int label, long count, long correct, double accuracy) {
    }

    /**
     * The accuracy matrix: {@code rows[i][j]} is the accuracy on task {@code j}'s holdout after
     * training through task {@code i}; {@code baseline[j]} that of the starting model.
     */
    public record Matrix(List<String> tasks, double[][] rows, double[] baseline, double acc, double bwt, double fwt,
                         double forgetting) {
    }

    /** The final model on the whole holdout: accuracy and recall per class. */
    public record HoldoutScore(long count, double accuracy, double[] recall) {
    }
}
