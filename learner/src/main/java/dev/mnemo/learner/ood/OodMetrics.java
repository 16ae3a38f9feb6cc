package dev.mnemo.learner.ood;

import java.util.Arrays;

/**
 * Threshold-free quality of an OOD score, with out-of-distribution as the positive class and
 * higher scores meaning more novel (the {@link OodScorer} convention).
 *
 * <ul>
 *   <li>{@link #auroc}: area under the ROC curve, the probability that a random OOD sample scores
 *       above a random in-distribution one, ties counting one half (the Mann-Whitney statistic).
 *       0.5 is chance, 1 is perfect separation.</li>
 *   <li>{@link #fprAtTpr}: the fraction of in-distribution samples flagged when the threshold is set
 *       so that at least the given fraction of OOD samples (for example 95%) is flagged.</li>
 * </ul>
 *
 * <pre>{@code
 * OodMetrics.auroc(new double[] {1, 2}, new double[] {3, 4});            // 1.0
 * OodMetrics.fprAtTpr(new double[] {1, 2, 3, 4}, new double[] {3.5, 5}, 0.95);  // 0.25
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>T. Fawcett, "An introduction to ROC analysis", Pattern Recognition Letters 27(8), 861-874,
 *       2006.</li>
 *   <li>D. Hendrycks and K. Gimpel, "A Baseline for Detecting Misclassified and Out-of-Distribution
 *       Examples in Neural Networks", ICLR 2017 (FPR at 95% TPR).</li>
 * </ul>
 */
public final class OodMetrics {

    private OodMetrics() {
    }

    /**
     * @param in scores of in-distribution samples, at least one
     * @param out scores of out-of-distribution samples, at least one
     * @return the AUROC in {@code [0, 1]}
     * @throws IllegalArgumentException if an array is empty or holds NaN
     */
    public static double auroc(double[] in, double[] out) {
        check(in, "in");
        check(out, "out");
        int n = in.length + out.length;
        double[] all = new double[n];
        boolean[] positive = new boolean[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < in.length; i++) {
            all[i] = in[i];
        }
        for (int i = 0; i < out.length; i++) {
            all[in.length + i] = out[i];
            positive[in.length + i] = true;
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double rankSum = 0.0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && all[order[j + 1]] == all[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += averageRank;
                }
            }
            i = j + 1;
        }
        double m = out.length;
        return (rankSum - m * (m + 1) / 2.0) / (m * in.length);
    }

    /**
     * @param in scores of in-distribution samples, at least one
     * @param out scores of out-of-distribution samples, at least one
     * @param tpr the fraction of OOD samples to flag, in (0, 1]
     * @return the fraction of in-distribution scores at or above the largest threshold that flags at
     *     least {@code tpr} of the OOD scores
     * @throws IllegalArgumentException if an array is empty or holds NaN, or {@code tpr} is outside
     *     (0, 1]
     */
    public static double fprAtTpr(double[] in, double[] out, double tpr) {
        check(in, "in");
        check(out, "out");
        if (!(tpr > 0.0 && tpr <= 1.0)) {
            throw new IllegalArgumentException("tpr must be in (0, 1], got " + tpr);
        }
        double[] sorted = out.clone();
        Arrays.sort(sorted);
        int k = (int) Math.floor(sorted.length * (1.0 - tpr) + 1e-9);
        double threshold = sorted[Math.min(k, sorted.length - 1)];
        int flagged = 0;
        for (double s : in) {
            flagged += s >= threshold ? 1 : 0;
        }
        return (double) flagged / in.length;
    }

    private static void check(double[] scores, String name) {
        if (scores == null || scores.length == 0) {
            throw new IllegalArgumentException(name + " must hold at least one score");
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException(name + " must not hold NaN scores");
            }
        }
    }
}
