package dev.mnemo.learner.ood;

import dev.mnemo.learner.model.Activations;
import dev.mnemo.learner.model.Classifier;

/**
 * An out-of-distribution (OOD) score per sample: how unlike the training distribution an input
 * looks to a model. <b>Higher means more novel</b> for every implementation, so one threshold rule
 * ({@code score > threshold}, see {@link QuantileThreshold}) and one AUROC convention (OOD is the
 * positive class, see {@link OodMetrics}) serve them all.
 *
 * <p>A scorer reads the model's {@link Activations} (penultimate features and pre-softmax logits),
 * so several scorers can share one forward pass:
 * <pre>{@code
 * Activations a = model.activations(window);          // one forward pass
 * double[] msp = new MaxSoftmax().score(a);
 * double[] energy = new Energy().score(a);
 * double[] maha = mahalanobis.score(a);                // fitted on in-distribution data
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe; {@link Mahalanobis} is refreshed by fitting a
 * new instance.
 */
public interface OodScorer {

    /** @return a short name for tables and metrics, for example {@code "energy"} */
    String name();

    /**
     * Scores a batch from its activations.
     *
     * @param activations the model's activations for the batch
     * @return one score per sample, higher = more novel
     * @throws IllegalArgumentException if the activations do not fit this scorer (for example
     *     another feature width than the one it was fitted on)
     */
    double[] score(Activations activations);

    /**
     * Scores a batch of inputs with {@code model} (one forward pass in inference mode).
     *
     * @param model the classifier
     * @param inputs {@code [samples][inputs]}, as for {@link Classifier#predict}
     * @return one score per sample, higher = more novel
     * @throws IllegalArgumentException as for {@link Classifier#activations} and
     *     {@link #score(Activations)}
     */
    default double[] score(Classifier model, float[][] inputs) {
        return score(model.activations(inputs));
    }
}
