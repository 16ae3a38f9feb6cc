package dev.mnemo.learner.ood;

import java.util.Arrays;

/**
 * A novelty threshold calibrated as a quantile of in-distribution scores: with quantile {@code q},
 * at most a fraction {@code 1 - q} of the calibration scores lie strictly above the threshold, so
 * about that fraction of in-distribution samples is flagged by mistake.
 *
 * <pre>{@code
 * double[] reference = energy.score(model, heldOutInDistribution);
 * QuantileThreshold t = QuantileThreshold.calibrate(reference, 0.95);
 * boolean novel = t.isNovel(energy.score(model, new float[][] {x})[0]);
 * }</pre>
 *
 * @param quantile the quantile {@code q}, in (0, 1)
 * @param threshold the score at that quantile; a sample is novel when its score is above it
 * @param calibrationSize the number of in-distribution scores it was calibrated on
 */
public record QuantileThreshold(double quantile, double threshold, int calibrationSize) {

    /** Default quantile: 5% of in-distribution samples are flagged. */
    public static final double DEFAULT_QUANTILE = 0.95;

    /** @throws IllegalArgumentException if the quantile is outside (0, 1) or the threshold is NaN */
    public QuantileThreshold {
        if (!(quantile > 0.0 && quantile < 1.0)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must not be NaN");
        }
    }

    /**
     * @param inDistributionScores scores of in-distribution samples, at least one, none NaN (the
     *     array is not changed)
     * @param quantile the quantile, in (0, 1)
     * @return the threshold: the {@code ceil(q n)}-th smallest score
     * @throws IllegalArgumentException on an empty array, a NaN score, or a quantile outside (0, 1)
     */
    public static QuantileThreshold calibrate(double[] inDistributionScores, double quantile) {
        if (inDistributionScores == null || inDistributionScores.length == 0) {
            throw new IllegalArgumentException("need at least one in-distribution score");
        }
        if (!(quantile > 0.0 && quantile < 1.0)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + quantile);
        }
        double[] sorted = inDistributionScores.clone();
        for (double s : sorted) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("in-distribution scores must not be NaN");
            }
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * sorted.length);
        return new QuantileThreshold(quantile, sorted[Math.max(rank, 1) - 1], sorted.length);
    }

    /** @return whether {@code score} is above the threshold */
    public boolean isNovel(double score) {
        return score > threshold;
    }

    /** @return the fraction of {@code scores} above the threshold (0 for an empty array) */
    public double fractionNovel(double[] scores) {
        if (scores.length == 0) {
            return 0.0;
        }
        int k = 0;
        for (double s : scores) {
            k += s > threshold ? 1 : 0;
        }
        return (double) k / scores.length;
    }
}
