package dev.mnemo.learner.watch;

/**
 * Settings of the {@link DriftWatch}: when its detectors are armed, how sensitive they are, which
 * windows the checks compare, and the thresholds of the verdicts.
 *
 * <p>Stream positions count every sample the watch observed, labelled or not.
 *
 * @param enabled            whether the learner watches for drift at all
 * @param warmup             samples observed before the detectors are armed, at the start and
 *                           again after each alert (re-arming is the hysteresis: one sustained
 *                           drift gives one alert, because the detectors restart on the new normal)
 * @param calibration        the last {@code calibration} novelty scores before arming set the
 *                           novelty threshold; at most {@code warmup}
 * @param noveltyQuantile    quantile of the calibration scores above which a sample counts as
 *                           novel, in (0, 1)
 * @param errorDelta         ADWIN confidence of the error-rate detector (smaller: fewer false alarms,
 *                           slower detection)
 * @param noveltyDelta       ADWIN confidence of the novelty-rate detector
 * @param afterWindow        samples after the drift event that the check reads as "after"
 * @param beforeWindow       samples the check reads as the in-distribution reference, "before"
 * @param detectionGap       samples between the end of the "before" window and the event, left out
 *                           because the change began some time before a detector noticed it
 * @param novelAuroc         verdict {@code NOVEL_INPUTS} when the after window's OOD scores rank
 *                           above the before window's with at least this AUROC (0.5: no
 *                           difference, 1: every after score above every before score), in (0.5, 1)
 * @param errorMargin        verdict {@code CONCEPT_CHANGE} when the error rate on labelled samples
 *                           rose by at least this much on in-distribution inputs
 * @param entropyMargin      verdict {@code UNCERTAIN} when the mean MC-dropout predictive entropy
 *                           (nats) rose by at least this much
 * @param alpha              significance of the two-sample Kolmogorov-Smirnov test on the OOD scores
 * @param mcPasses           MC-dropout passes of the uncertainty check
 * @param labelRequestBudget samples sent to {@code label.requests} per alert, at most
 */
public record WatchConfig(boolean enabled, int warmup, int calibration, double noveltyQuantile, double errorDelta,
                          double noveltyDelta, int afterWindow, int beforeWindow, int detectionGap,
                          double novelAuroc, double errorMargin, double entropyMargin, double alpha,
                          int mcPasses, int labelRequestBudget) {

    public WatchConfig {
        positive("warmup", warmup);
        positive("calibration", calibration);
        positive("afterWindow", afterWindow);
        positive("beforeWindow", beforeWindow);
        positive("mcPasses", mcPasses);
        if (calibration > warmup) {
            throw new IllegalArgumentException("calibration (" + calibration + ") must not exceed warmup (" + warmup + ")");
        }
        if (detectionGap < 0 || labelRequestBudget < 0) {
            throw new IllegalArgumentException("detectionGap and labelRequestBudget must be >= 0, got "
                    + detectionGap + " and " + labelRequestBudget);
        }
        unit("noveltyQuantile", noveltyQuantile);
        unit("errorDelta", errorDelta);
        unit("noveltyDelta", noveltyDelta);
        unit("alpha", alpha);
        if (!(novelAuroc > 0.5 && novelAuroc < 1)) {
            throw new IllegalArgumentException("novelAuroc must lie in (0.5, 1), got " + novelAuroc);
        }
        if (!(errorMargin > 0) || !(entropyMargin > 0)) {
            throw new IllegalArgumentException("the verdict margins must be > 0, got error " + errorMargin
                    + ", entropy " + entropyMargin);
        }
    }

    /**
     * The defaults: armed after 1,000 samples, novelty threshold at the 95% quantile of the last 500
     * scores, ADWIN delta 1e-4 on both rates, checks comparing 500 samples before (300 before the
     * event) with 200 after, OOD AUROC 0.75, margins 0.2 (error rate) and 0.3 nats (entropy),
     * alpha 0.01, 20 MC-dropout passes, 20 label requests per alert.
     */
    public static WatchConfig defaults() {
        return new WatchConfig(true, 1000, 500, 0.95, 1e-4, 1e-4, 200, 500, 300, 0.75, 0.2, 0.3, 0.01, 20, 20);
    }

    /** The defaults with the watch switched off. */
    public static WatchConfig disabled() {
        WatchConfig d = defaults();
        return new WatchConfig(false, d.warmup, d.calibration, d.noveltyQuantile, d.errorDelta, d.noveltyDelta,
                d.afterWindow, d.beforeWindow, d.detectionGap, d.novelAuroc, d.errorMargin, d.entropyMargin,
                d.alpha, d.mcPasses, d.labelRequestBudget);
    }

    /** Samples the watch keeps: enough for the before window, the gap and the after window. */
    int history() {
        return beforeWindow + detectionGap + afterWindow + 1;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    private static void unit(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must lie in (0, 1), got " + value);
        }
    }
}
