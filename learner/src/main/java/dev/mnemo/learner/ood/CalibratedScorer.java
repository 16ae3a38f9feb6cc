package dev.mnemo.learner.ood;

import dev.mnemo.learner.model.Classifier;

/**
 * An {@link OodScorer} with its {@link QuantileThreshold}, calibrated on in-distribution data for
 * one model: the unit a drift check asks "which samples of this window are novel, and how many?".
 *
 * <pre>{@code
 * Mahalanobis maha = Mahalanobis.fit(model, 0, referenceInputs, referenceLabels);
 * CalibratedScorer novelty = CalibratedScorer.calibrate(model, maha, heldOutInputs, 0.95);
 * double fraction = novelty.fractionNovel(model, window);      // about 0.05 in distribution
 * }</pre>
 *
 * <p>The threshold belongs to the model the scores were taken from; recalibrate (and refit a
 * {@link Mahalanobis}) when the model has moved on.
 *
 * @param scorer the scorer
 * @param threshold its threshold on that scorer's scores
 * @param modelVersion the version of the model it was calibrated with
 */
public record CalibratedScorer(OodScorer scorer, QuantileThreshold threshold, long modelVersion) {

    /** @throws IllegalArgumentException if an argument is null */
    public CalibratedScorer {
        if (scorer == null || threshold == null) {
            throw new IllegalArgumentException("scorer and threshold must be non-null");
        }
    }

    /**
     * @param model the classifier
     * @param scorer the scorer (a {@link Mahalanobis} fitted on this model)
     * @param inDistribution in-distribution inputs not used to fit the scorer, at least one
     * @param quantile the quantile of their scores used as threshold, in (0, 1)
     * @return the calibrated scorer
     * @throws IllegalArgumentException on invalid inputs or quantile
     */
    public static CalibratedScorer calibrate(Classifier model, OodScorer scorer, float[][] inDistribution,
            double quantile) {
        double[] scores = OodEvaluation.scores(model, scorer, inDistribution);
        return new CalibratedScorer(scorer, QuantileThreshold.calibrate(scores, quantile), model.version());
    }

    /**
     * @param model the classifier
     * @param inputs the samples to check
     * @return per sample, whether its score is above the threshold
     */
    public boolean[] novel(Classifier model, float[][] inputs) {
        double[] s = OodEvaluation.scores(model, scorer, inputs);
        boolean[] out = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = threshold.isNovel(s[i]);
        }
        return out;
    }

    /**
     * @param model the classifier
     * @param inputs the samples to check, at least one
     * @return the fraction of them above the threshold; compare with {@code 1 - quantile}, the
     *     rate expected in distribution
     */
    public double fractionNovel(Classifier model, float[][] inputs) {
        return threshold.fractionNovel(OodEvaluation.scores(model, scorer, inputs));
    }
}
