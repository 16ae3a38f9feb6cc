package dev.mnemo.learner.strategy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;

/**
 * How a continual-learning scenario restricts the label space of each sample, in training and
 * in prediction.
 *
 * <ul>
 *   <li>{@link ClassIncremental}: one head over all classes; nothing is restricted.</li>
 *   <li>{@link TaskIncremental}: the task id is given and a sample competes only among its task's
 *       classes (masked logits).</li>
 *   <li>{@link DomainIncremental}: the same classes with a new input distribution per task (a
 *       seeded pixel permutation); nothing is restricted.</li>
 * </ul>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, NeurIPS Continual Learning Workshop 2018/2019.</li>
 * </ul>
 */
public interface Scenario {

    /**
     * Per-sample class masks ({@code [n][classes]}, 1 = allowed), or null when every sample may be
     * any class.
     *
     * @param tasks the task of each sample
     * @param classes the model's number of classes
     */
    float[][] classMask(int[] tasks, int classes);

    /** Predictions of {@code model} for samples of the given tasks, restricted by {@link #classMask}. */
    default Predictions predict(Classifier model, float[][] features, int[] tasks) {
        float[][] mask = classMask(tasks, model.spec().classes());
        if (mask == null) {
            return model.predict(features);
        }
        return MaskedSoftmax.predictions(model.logits(features), mask);
    }
}
