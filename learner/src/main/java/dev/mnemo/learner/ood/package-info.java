/**
 * Out-of-distribution scores for the drift checks: is the window around a drift made of inputs
 * the model has never seen?
 *
 * <p>Every {@link dev.mnemo.learner.ood.OodScorer} maps a batch to one score per sample, higher
 * meaning more novel, from the model's {@link dev.mnemo.learner.model.Activations} (one forward
 * pass serves all scorers):
 * <ul>
 *   <li>{@link dev.mnemo.learner.ood.MaxSoftmax}: {@code 1 - max softmax} (Hendrycks and Gimpel,
 *       ICLR 2017);</li>
 *   <li>{@link dev.mnemo.learner.ood.Energy}: {@code -T logsumexp(z / T)} (Liu et al., NeurIPS
 *       2020);</li>
 *   <li>{@link dev.mnemo.learner.ood.Mahalanobis}: distance of the penultimate features to the
 *       nearest class mean under a shared covariance, fitted on in-distribution data and refitted
 *       as the model learns (Lee et al., NeurIPS 2018); it can also use any hidden layer, or all
 *       of them: on MNIST against Fashion-MNIST the default MLP's first hidden layer separates
 *       best (AUROC 0.97 against 0.93 for the penultimate layer, see the drift bench).</li>
 * </ul>
 * {@link dev.mnemo.learner.ood.QuantileThreshold} turns a score into a decision, calibrated as a
 * quantile of in-distribution scores, and {@link dev.mnemo.learner.ood.CalibratedScorer} pairs a
 * scorer with its threshold for one model; {@link dev.mnemo.learner.ood.OodMetrics} measures a score
 * with AUROC and the FPR at 95% TPR. {@link dev.mnemo.learner.ood.OodEvaluation} runs the
 * measurement for several scorers on an in / out pair of data sets.
 *
 * <pre>{@code
 * Mahalanobis maha = Mahalanobis.fit(model, referenceInputs, referenceLabels);
 * QuantileThreshold t = QuantileThreshold.calibrate(maha.score(model, heldOut), 0.95);
 * double[] s = maha.score(model, window);
 * double novelFraction = t.fractionNovel(s);        // about 0.05 in distribution
 * }</pre>
 */
package dev.mnemo.learner.ood;
