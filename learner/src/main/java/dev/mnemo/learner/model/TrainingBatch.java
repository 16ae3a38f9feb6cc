package dev.mnemo.learner.model;

/**
 * One minibatch for {@link Classifier#train(TrainingBatch)}: features, hard labels, and optionally
 * a teacher's soft targets and per-sample class masks, with the distillation settings of this step.
 *
 * <p>The loss is {@link DistillationLoss}: {@code (1 - lambda) * CE(y, softmax(z)) + lambda * T^2 *
 * CE(softTargets, softmax(z / T))} per sample, averaged over the batch. A label of {@code -1} marks
 * an unlabelled sample, which carries only the distillation term (and nothing when
 * {@code softTargets} is null). Arrays are read during the call and not kept.
 *
 * <pre>{@code
 * model.train(TrainingBatch.labelled(x, y));                         // plain cross-entropy
 * model.train(new TrainingBatch(x, y, teacherSoft, null, 2.0, 0.5)); // LwF step
 * }</pre>
 *
 * @param features {@code [n][inputs]}, finite
 * @param labels {@code [n]}, each in {@code [0, classes)} or {@code -1} for unlabelled
 * @param softTargets {@code [n][classes]} teacher probabilities, or null for none
 * @param classMask {@code [n][classes]} of 0/1 (1 = class allowed for that sample), or null for all
 *     classes; it restricts the hard term only, see {@link DistillationLoss} (class masks)
 * @param temperature distillation temperature, {@code > 0}
 * @param lambda weight of the distillation term in {@code [0, 1]}; must be 0 when
 *     {@code softTargets} is null
 */
public record TrainingBatch(
        float[][] features, int[] labels, float[][] softTargets, float[][] classMask, double temperature,
        double lambda) {

    /** Checks the shapes that do not need the network, and the ranges of the settings. */
    public TrainingBatch {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("features and labels must be non-null");
        }
        if (labels.length != features.length) {
            throw new IllegalArgumentException(
                    "labels has " + labels.length + " entries but features has " + features.length + " rows");
        }
        if (softTargets != null && softTargets.length != features.length) {
            throw new IllegalArgumentException(
                    "softTargets has " + softTargets.length + " rows but features has " + features.length);
        }
        if (classMask != null && classMask.length != features.length) {
            throw new IllegalArgumentException(
                    "classMask has " + classMask.length + " rows but features has " + features.length);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        }
        if (softTargets == null && lambda != 0) {
            throw new IllegalArgumentException("lambda must be 0 without softTargets, got " + lambda);
        }
    }

    /** Hard labels only: plain cross-entropy ({@code lambda = 0}). */
    public static TrainingBatch labelled(float[][] features, int[] labels) {
        return new TrainingBatch(
                features, labels, null, null, DistillationLoss.DEFAULT_TEMPERATURE, 0.0);
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }
}
