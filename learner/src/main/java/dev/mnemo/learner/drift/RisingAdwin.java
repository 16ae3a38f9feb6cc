package dev.mnemo.learner.drift;

import java.util.Objects;

/**
 * ADWIN that reports only increases: a drift counts when ADWIN cuts its window and its estimate of
 * the mean went up. For an error-rate stream this is "the model got worse"; the recovery after a
 * drift, when the error falls again, is not reported as a second drift.
 *
 * <h2>Method</h2>
 * Each update reads {@link Adwin#estimation()} before and after feeding the wrapped {@link Adwin}.
 * {@link #driftDetected()} is true when ADWIN detected a change on that update and the estimate
 * after the cut is above the estimate before it. Everything else (window, buckets, hyper-parameters,
 * checkpoint state) is ADWIN's own.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * DriftDetector d = RisingAdwin.create();
 * // error rate 0.2 for 1,000 updates, then 0.8: fires shortly after 1,000; a fall back to 0.2
 * // later does not fire.
 * }</pre>
 *
 * <h2>References</h2>
 * A. Bifet and R. Gavalda, "Learning from Time-Changing Data with Adaptive Windowing", SIAM
 * International Conference on Data Mining (SDM), 2007.
 */
public final class RisingAdwin implements DriftDetector {

    private final Adwin adwin;
    private boolean drift;

    /** Reports increases of the wrapped detector's estimate only; the wrapped detector is owned. */
    public RisingAdwin(Adwin adwin) {
        this.adwin = Objects.requireNonNull(adwin, "adwin");
    }

    /** With ADWIN's defaults (delta 0.002). */
    public static RisingAdwin create() {
        return new RisingAdwin(Adwin.create());
    }

    @Override
    public void update(double x) {
        double before = adwin.estimation();
        adwin.update(x);
        drift = adwin.driftDetected() && adwin.estimation() > before;
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** The wrapped detector's estimate of the mean of its window. */
    public double estimation() {
        return adwin.estimation();
    }

    /** Width of the wrapped ADWIN's window: the samples it currently believes share one distribution. */
    public long width() {
        return adwin.width();
    }

    @Override
    public RisingAdwin fresh() {
        return new RisingAdwin(adwin.fresh());
    }

    @Override
    public long seen() {
        return adwin.seen();
    }

    @Override
    public DetectorState snapshot() {
        return adwin.snapshot();
    }

    @Override
    public void restore(DetectorState state) {
        adwin.restore(state);
        drift = false;
    }

    @Override
    public String toString() {
        return "RisingAdwin(" + adwin + ")";
    }
}
