package dev.mnemo.learner.ood;

import dev.mnemo.learner.model.Activations;

/**
 * The maximum-softmax-probability baseline: a sample the model is less confident about is more
 * likely out of distribution. The score is {@code 1 - max_c softmax(z)_c}, in {@code [0, 1)},
 * computed in double precision from the logits (probabilities close to 1 would otherwise round
 * to ties).
 *
 * <pre>{@code
 * double[] s = new MaxSoftmax().score(model.activations(batch));
 * }</pre>
 *
 * <h2>References</h2>
 * D. Hendrycks and K. Gimpel, "A Baseline for Detecting Misclassified and Out-of-Distribution
 * Examples in Neural Networks", ICLR 2017.
 */
public final class MaxSoftmax implements OodScorer {

    @Override
    public String name() {
        return "MSP";
    }

    @Override
    public double[] score(Activations activations) {
        float[][] z = activations.logits();
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = 1.0 - maxProbability(z[i]);
        }
        return out;
    }

    /**
     * @param logits one sample's logits
     * @return the largest softmax probability, {@code 1 / sum_c exp(z_c - max z)}
     */
    public static double maxProbability(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0.0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return 1.0 / sum;
    }

    @Override
    public String toString() {
        return "MaxSoftmax";
    }
}
