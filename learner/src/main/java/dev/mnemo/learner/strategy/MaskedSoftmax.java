package dev.mnemo.learner.strategy;

import dev.mnemo.learner.model.Predictions;

/** Softmax over the allowed classes only: masked classes get probability exactly 0. */
final class MaskedSoftmax {

    private MaskedSoftmax() {}

    static Predictions predictions(float[][] logits, float[][] mask) {
        float[][] probabilities = new float[logits.length][];
        int[] predicted = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            float[] m = mask[i];
            double max = Double.NEGATIVE_INFINITY;
            int best = -1;
            for (int c = 0; c < z.length; c++) {
                if (m[c] != 0f && z[c] > max) {
                    max = z[c];
                    best = c;
                }
            }
            double sum = 0;
            double[] e = new double[z.length];
            for (int c = 0; c < z.length; c++) {
                if (m[c] != 0f) {
                    e[c] = Math.exp(z[c] - max);
                    sum += e[c];
                }
            }
            float[] p = new float[z.length];
            for (int c = 0; c < z.length; c++) {
                p[c] = (float) (e[c] / sum);
            }
            probabilities[i] = p;
            predicted[i] = best;
        }
        return new Predictions(probabilities, predicted);
    }
}
