package dev.mnemo.learner.strategy;

/**
 * What a distillation strategy asks the loop to add to the loss: a teacher's soft targets for every
 * sample of the training batch, with the temperature and the weight of the distillation term (see
 * {@link dev.mnemo.learner.model.DistillationLoss}).
 *
 * @param probabilities {@code [n][classes]}, row i for sample i of the training batch
 * @param temperature {@code T > 0}
 * @param lambda weight of the distillation term, in {@code [0, 1]}
 */
public record SoftTargets(float[][] probabilities, double temperature, double lambda) {

    /** Checks the ranges. */
    public SoftTargets {
        if (probabilities == null) {
            throw new IllegalArgumentException("probabilities must be non-null");
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        }
    }
}
