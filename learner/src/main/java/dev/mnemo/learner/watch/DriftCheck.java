package dev.mnemo.learner.watch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mnemo.learner.drift.KolmogorovSmirnov;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.ood.Energy;
import dev.mnemo.learner.ood.Mahalanobis;
import dev.mnemo.learner.ood.OodMetrics;
import dev.mnemo.learner.ood.OodScorer;
import dev.mnemo.learner.ood.QuantileThreshold;
import dev.mnemo.learner.uncertainty.McDropout;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.Verdict;

/**
 * The checks run after a drift event: are the new inputs unlike the old ones, did the error rise on
 * familiar inputs, or is the model merely unsure?
 *
 * <h2>Method</h2>
 * Both windows are scored with the <em>current</em> model, so that a model that kept learning
 * through the drift is compared with itself:
 * <ol>
 *   <li><b>OOD</b>: a Mahalanobis scorer (class means and a shared covariance of the features of all
 *       hidden layers, the feature ensemble of Lee et al.: the last layer alone, trained to separate
 *       classes, discards much of what the input looks like) is fitted on the labelled samples of the older {@value #FIT_SHARE}% of the before
 *       window; with fewer than {@value #MIN_FIT} of them, the energy score is used instead. The
 *       threshold is the {@code noveltyQuantile} of the scores of the rest of the before window,
 *       held out from the fit (in-sample distances are biased low). Evidence: mean score and share
 *       above the threshold of the held-out before samples and of the after window, the AUROC of the
 *       after scores against the held-out before scores (how often an after sample looks more novel
 *       than a before one; threshold-free, so a heavy tail of the before scores does not hide a
 *       shift), and the p-value of a two-sample Kolmogorov-Smirnov test between them.</li>
 *   <li><b>Error</b>: the error rate of the predictions made on arrival, on the labelled samples of
 *       each window.</li>
 *   <li><b>Uncertainty</b>: MC dropout ({@code mcPasses} passes over the tiled window): mean
 *       predictive entropy and mutual information of the after window and of as many of the newest
 *       before samples (equal samples on both sides; the passes are the check's largest cost).</li>
 * </ol>
 * Verdict, first match: {@code NOVEL_INPUTS} when that AUROC is at least {@code novelAuroc} and
 * the KS test rejects at {@code alpha}; {@code CONCEPT_CHANGE} when
 * the error rate rose by at least {@code errorMargin} (with at least {@value #MIN_LABELLED}
 * labelled samples on each side); {@code UNCERTAIN} when the mean entropy rose by at least
 * {@code entropyMargin}; otherwise {@code FALSE_ALARM}.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>K. Lee, K. Lee, H. Lee and J. Shin, "A Simple Unified Framework for Detecting
 *       Out-of-Distribution Samples and Adversarial Attacks", NeurIPS 2018.</li>
 *   <li>W. Liu, X. Wang, J. Owens and Y. Li, "Energy-based Out-of-distribution Detection", NeurIPS
 *       2020.</li>
 *   <li>Y. Gal and Z. Ghahramani, "Dropout as a Bayesian Approximation", ICML 2016.</li>
 * </ul>
 */
final class DriftCheck {

    /** Labelled before-window samples needed to fit the Mahalanobis scorer. */
    static final int MIN_FIT = 50;
    /** Per cent of the before window the OOD scorer is fitted on; the rest calibrates its threshold. */
    static final int FIT_SHARE = 60;
    /** Labelled samples needed on each side to judge the error rate. */
    static final int MIN_LABELLED = 30;

    private final WatchConfig config;

    DriftCheck(WatchConfig config) {
        this.config = config;
    }

    /**
     * What the check found.
     *
     * @param verdict                the verdict
     * @param evidence               named figures behind it
     * @param windowStart            stream position of the first sample checked (before window)
     * @param windowEnd              stream position of the last sample checked (after window)
     * @param after                  the after window's samples
     * @param afterOodScores         their OOD scores
     * @param afterMutualInformation their MC-dropout mutual information
     * @param referenceClasses       the labels present in the before window: the old task's classes
     */
    record Result(Verdict verdict, Map<String, Double> evidence, long windowStart, long windowEnd,
                  List<DriftWatch.Seen> after, double[] afterOodScores, double[] afterMutualInformation,
                  int[] referenceClasses) {
    }

    Result run(Classifier model, DriftEvent event, List<DriftWatch.Seen> before, List<DriftWatch.Seen> after) {
        Map<String, Double> evidence = new HashMap<>();
        float[][] xBefore = features(before);
        float[][] xAfter = features(after);

        // Fit on the older part of the before window, calibrate on the newer part: scores of the samples a
        // scorer was fitted on are biased low, so they would make any new window look novel.
        int fitSize = before.size() * FIT_SHARE / 100;
        OodScorer scorer = scorer(model, before.subList(0, fitSize), evidence);
        double[] oodBefore = scorer.score(model, features(before.subList(fitSize, before.size())));
        double[] oodAfter = scorer.score(model, xAfter);
        QuantileThreshold threshold = QuantileThreshold.calibrate(oodBefore, config.noveltyQuantile());
        double novelBefore = threshold.fractionNovel(oodBefore);
        double novelAfter = threshold.fractionNovel(oodAfter);
        double pValue = KolmogorovSmirnov.pValue(oodBefore, oodAfter);
        double auroc = OodMetrics.auroc(oodBefore, oodAfter);
        evidence.put("ood.auroc", auroc);
        evidence.put("ood.before", mean(oodBefore));
        evidence.put("ood.after", mean(oodAfter));
        evidence.put("ood.threshold", threshold.threshold());
        evidence.put("ood.novel.before", novelBefore);
        evidence.put("ood.novel.after", novelAfter);
        evidence.put("ood.pValue", pValue);

        int[] errBefore = errors(before);
        int[] errAfter = errors(after);
        double errorBefore = errBefore[1] == 0 ? Double.NaN : errBefore[0] / (double) errBefore[1];
        double errorAfter = errAfter[1] == 0 ? Double.NaN : errAfter[0] / (double) errAfter[1];
        evidence.put("labelled.before", (double) errBefore[1]);
        evidence.put("labelled.after", (double) errAfter[1]);
        if (errBefore[1] > 0) {
            evidence.put("error.before", errorBefore);
        }
        if (errAfter[1] > 0) {
            evidence.put("error.after", errorAfter);
        }

        McDropout mc = new McDropout(Math.max(2, config.mcPasses()), McDropout.DEFAULT_KEEP, event.getPosition());
        // The newest part of the before window, as large as the after window: equal samples on both
        // sides, and the passes cost no more than the after window's.
        McDropout.Result uBefore = mc.estimate(model,
                java.util.Arrays.copyOfRange(xBefore, Math.max(0, xBefore.length - Math.max(1, xAfter.length)),
                        xBefore.length));
        McDropout.Result uAfter = mc.estimate(model, xAfter);
        evidence.put("entropy.before", uBefore.meanPredictiveEntropy());
        evidence.put("entropy.after", uAfter.meanPredictiveEntropy());
        evidence.put("mi.before", uBefore.meanMutualInformation());
        evidence.put("mi.after", uAfter.meanMutualInformation());
        evidence.put("event.position", (double) event.getPosition());

        Verdict verdict;
        if (auroc >= config.novelAuroc() && pValue < config.alpha()) {
            verdict = Verdict.NOVEL_INPUTS;
        } else if (errBefore[1] >= MIN_LABELLED && errAfter[1] >= MIN_LABELLED
                && errorAfter - errorBefore >= config.errorMargin()) {
            verdict = Verdict.CONCEPT_CHANGE;
        } else if (uAfter.meanPredictiveEntropy() - uBefore.meanPredictiveEntropy() >= config.entropyMargin()) {
            verdict = Verdict.UNCERTAIN;
        } else {
            verdict = Verdict.FALSE_ALARM;
        }
        long start = before.isEmpty() ? event.getPosition() + 1 : event.getPosition() - config.detectionGap() - before.size();
        int[] referenceClasses = before.stream().filter(DriftWatch.Seen::labelled).mapToInt(DriftWatch.Seen::label)
                .distinct().sorted().toArray();
        return new Result(verdict, evidence, start, event.getPosition() + after.size(), after, oodAfter,
                uAfter.mutualInformation(), referenceClasses);
    }

    private static OodScorer scorer(Classifier model, List<DriftWatch.Seen> before, Map<String, Double> evidence) {
        int labelled = 0;
        for (DriftWatch.Seen s : before) {
            labelled += s.labelled() ? 1 : 0;
        }
        if (labelled >= MIN_FIT) {
            float[][] x = new float[labelled][];
            int[] y = new int[labelled];
            int k = 0;
            for (DriftWatch.Seen s : before) {
                if (s.labelled()) {
                    x[k] = s.features();
                    y[k++] = s.label();
                }
            }
            try {
                Mahalanobis fitted = Mahalanobis.fit(model, Mahalanobis.ALL_HIDDEN_LAYERS, x, y);
                evidence.put("ood.mahalanobis", 1.0);
                return fitted;
            } catch (IllegalArgumentException e) {
                // too few classes or samples to fit: fall through to the energy score
            }
        }
        evidence.put("ood.mahalanobis", 0.0);
        return new Energy();
    }

    private static float[][] features(List<DriftWatch.Seen> window) {
        float[][] x = new float[window.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = window.get(i).features();
        }
        return x;
    }

    /** {wrong, labelled} counts of a window. */
    private static int[] errors(List<DriftWatch.Seen> window) {
        int wrong = 0;
        int labelled = 0;
        for (DriftWatch.Seen s : window) {
            if (s.labelled()) {
                labelled++;
                wrong += s.wrong() ? 1 : 0;
            }
        }
        return new int[] {wrong, labelled};
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
