package dev.mnemo.learner.model;

/**
 * {@link DistillationLoss} over logits held in a Java array: the loss of a minibatch and its
 * gradient with respect to the logits, for {@link DenseStep}. The logits of a training batch are
 * {@code rows x classes} values, a few thousand, so one pass in Java costs less than the forty-odd
 * array operations of the same formula on ND4J. Computed in double, written as float.
 *
 * <p>Per row, with hard label {@code y} (or none, for an unlabelled row), the row's class mask,
 * teacher probabilities {@code q}, temperature {@code T} and weight {@code lambda}:
 * <pre>
 *   L = (1 - lambda) * -log softmax_M(z)_y + lambda * T^2 * -sum_{c in S} q_c log softmax_S(z / T)_c
 *   dL/dz_c = (1 - lambda) * (softmax_M(z)_c - [c = y]) + lambda * T * (softmax_S(z / T)_c * sum(q) - q_c)
 * </pre>
 * where {@code M} is the set of classes the mask allows and {@code S} the support of {@code q}
 * ({@code q_c > 0}); the hard term is absent for an unlabelled row, the soft term for a row without
 * teacher probabilities. The minibatch loss is the mean over the rows, and the gradient is divided
 * by the rows, as Deeplearning4j's updater divides it (see {@link DistillationLoss} for the
 * definitions and their references).
 */
final class DenseLoss {

    private DenseLoss() {}

    /**
     * @param logits {@code rows * classes} values, row after row
     * @param labels class per row, or -1 (unlabelled)
     * @param soft teacher probabilities per row, or null
     * @param mask 0/1 per row and class (0: excluded from the row's hard softmax), or null; a null
     *     row allows every class
     * @param gradient receives {@code dL/dz / rows}, {@code rows * classes} values
     * @return the mean loss over the rows
     */
    static double lossAndGradient(float[] logits, int rows, int classes, int[] labels, float[][] soft,
            float[][] mask, double temperature, double lambda, float[] gradient) {
        double hardWeight = 1.0 - lambda;
        double scale = 1.0 / rows;
        double[] p = new double[classes];
        double[] g = new double[classes];
        double total = 0;
        for (int i = 0; i < rows; i++) {
            int base = i * classes;
            java.util.Arrays.fill(g, 0.0);
            int y = labels[i];
            if (y >= 0 && hardWeight != 0) {
                float[] allowed = mask == null ? null : mask[i];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    if (allowed == null || allowed[c] != 0f) {
                        max = Math.max(max, logits[base + c]);
                    }
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    p[c] = allowed == null || allowed[c] != 0f ? Math.exp(logits[base + c] - max) : 0.0;
                    sum += p[c];
                }
                total -= hardWeight * (logits[base + y] - max - Math.log(sum));
                for (int c = 0; c < classes; c++) {
                    g[c] = hardWeight * (p[c] / sum - (c == y ? 1.0 : 0.0));
                }
            }
            float[] q = soft == null ? null : soft[i];
            if (q != null && lambda > 0) {
                double max = Double.NEGATIVE_INFINITY;
                double mass = 0;
                for (int c = 0; c < classes; c++) {
                    if (q[c] > 0f) {
                        max = Math.max(max, logits[base + c] / temperature);
                        mass += q[c];
                    }
                }
                if (mass > 0) {
                    double sum = 0;
                    for (int c = 0; c < classes; c++) {
                        p[c] = q[c] > 0f ? Math.exp(logits[base + c] / temperature - max) : 0.0;
                        sum += p[c];
                    }
                    double logSum = Math.log(sum);
                    double cross = 0;
                    for (int c = 0; c < classes; c++) {
                        if (q[c] > 0f) {
                            cross += q[c] * (logits[base + c] / temperature - max - logSum);
                            g[c] += lambda * temperature * (p[c] / sum * mass - q[c]);
                        }
                    }
                    total -= lambda * temperature * temperature * cross;
                }
            }
            for (int c = 0; c < classes; c++) {
                gradient[base + c] = (float) (g[c] * scale);
            }
        }
        return total * scale;
    }
}
