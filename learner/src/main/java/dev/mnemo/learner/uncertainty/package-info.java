/**
 * Model uncertainty for the drift checks: {@link dev.mnemo.learner.uncertainty.McDropout} runs
 * {@code T} stochastic passes with dropout on (one pass over the tiled batch) and reports, per
 * sample, the mean probabilities, the predictive entropy, the mutual information (BALD) and the
 * per-class standard deviation. Plain Java over {@link dev.mnemo.learner.model.Classifier}; no
 * Deeplearning4j type appears here.
 *
 * <h2>References</h2>
 * Y. Gal and Z. Ghahramani, "Dropout as a Bayesian Approximation: Representing Model Uncertainty in
 * Deep Learning", ICML 2016.
 */
package dev.mnemo.learner.uncertainty;
