package dev.mnemo.learner.drift;

/**
 * HDDM-W, the Hoeffding drift detection method with the W-test (weighted moving averages): like
 * {@link HddmA}, but the means are exponentially weighted, so recent values count more and a
 * change is seen sooner; the test is McDiarmid's inequality for weighted sums.
 *
 * <h2>Method</h2>
 * Values lie in {@code [0, 1]}. An exponentially weighted moving average (EWMA) with factor
 * {@code lambda} starts at its first value and then follows {@code m <- lambda x + (1 - lambda) m};
 * beside it the detector keeps {@code w}, the sum of the squared weights of the values in {@code m},
 * which starts at 1 and follows {@code w <- lambda^2 + (1 - lambda)^2 w}. By McDiarmid's
 * inequality the one-sided bound of such an average at confidence {@code alpha} is
 * {@code eps(w) = sqrt(w / 2 * ln(1 / alpha))}.
 *
 * <p>The detector keeps the EWMA {@code Z} of the whole stream, and a cut point: a copy {@code X}
 * of {@code Z} taken where {@code Z + eps(w_Z)} (drift confidence) was smallest. It moves the cut
 * to the current value whenever {@code Z + eps(w_Z) < X + eps(w_X)}, and then starts a new EWMA
 * {@code Y} of the values after the cut; otherwise the value goes into {@code Y}. When {@code Y}
 * holds values, the rise is tested:
 * <pre>
 *   Y - X &gt; sqrt( (w_X + w_Y) / 2 * ln(1 / alpha) )
 * </pre>
 * With {@code alpha = driftConfidence} that is a drift; otherwise, with
 * {@code alpha = warningConfidence}, a warning. In two-sided mode a second cut point tracks the
 * largest lower bound and the mirror test detects a fall. After a drift the detector starts over
 * on the next update. An update costs a few multiplications and square roots; nothing is
 * allocated.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code driftConfidence} in (0, 1), default 0.001.</li>
 *   <li>{@code warningConfidence} in [{@code driftConfidence}, 1), default 0.005.</li>
 *   <li>{@code lambda} in (0, 1], the weight of the newest value, default 0.05.</li>
 *   <li>{@code twoSided}: also detect falls of the mean; default {@code false}.</li>
 * </ul>
 *
 * <p>Inputs must lie in {@code [0, 1]}. <b>Mutable and not thread-safe.</b>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * HddmW hddm = HddmW.create();
 * for (int i = 0; i < 2000; i++) {
 *     double p = i < 1000 ? 0.2 : 0.8;            // error rate 0.2, then 0.8
 *     hddm.update(rng.nextDouble() < p ? 1 : 0);
 *     if (hddm.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 1008
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>I. Frias-Blanco, J. del Campo-Avila, G. Ramos-Jimenez, R. Morales-Bueno, A. Ortiz-Diaz and
 *       Y. Caballero-Mota, "Online and non-parametric drift detection methods based on Hoeffding's
 *       bounds", IEEE Transactions on Knowledge and Data Engineering 27(3), 810-823, 2015.</li>
 *   <li>C. McDiarmid, "On the method of bounded differences", Surveys in Combinatorics, London
 *       Mathematical Society Lecture Note Series 141, 148-188, 1989.</li>
 * </ul>
 */
public final class HddmW implements DriftDetector {

    /** Default confidence of the drift test. */
    public static final double DEFAULT_DRIFT_CONFIDENCE = 0.001;
    /** Default confidence of the warning test. */
    public static final double DEFAULT_WARNING_CONFIDENCE = 0.005;
    /** Default weight of the newest value in the moving averages. */
    public static final double DEFAULT_LAMBDA = 0.05;

    private static final String NAME = "HddmW";

    private final double driftConfidence;
    private final double warningConfidence;
    private final double lambda;
    private final boolean twoSided;
    private final double logDrift;
    private final double logWarning;
    private final double keep;
    private final double lambda2;
    private final double keep2;

    // Each average is a pair (mean, sum of squared weights); weight 0 means empty.
    private double zMean;
    private double zWeight;
    // Rises: X = Z at the cut, Y = the values after it.
    private double upCut;
    private double upXMean;
    private double upXWeight;
    private double upYMean;
    private double upYWeight;
    // Falls (two-sided only).
    private double downCut;
    private double downXMean;
    private double downXWeight;
    private double downYMean;
    private double downYWeight;
    private long seen;
    private boolean warning;
    private boolean drift;

    /** @return a one-sided detector with the defaults (drift 0.001, warning 0.005, lambda 0.05) */
    public static HddmW create() {
        return new HddmW(DEFAULT_DRIFT_CONFIDENCE, DEFAULT_WARNING_CONFIDENCE, DEFAULT_LAMBDA, false);
    }

    /**
     * A detector with every hyper-parameter given.
     *
     * @param driftConfidence confidence of the drift test, in (0, 1)
     * @param warningConfidence confidence of the warning test, in [{@code driftConfidence}, 1)
     * @param lambda weight of the newest value in the moving averages, in (0, 1]
     * @param twoSided whether falls of the mean are detected too
     * @throws IllegalArgumentException if a value is outside its range
     */
    public HddmW(double driftConfidence, double warningConfidence, double lambda, boolean twoSided) {
        if (!(driftConfidence > 0.0 && driftConfidence < 1.0)) {
            throw new IllegalArgumentException("driftConfidence must be in (0, 1), got " + driftConfidence);
        }
        if (!(warningConfidence >= driftConfidence && warningConfidence < 1.0)) {
            throw new IllegalArgumentException("warningConfidence must be in [driftConfidence (" + driftConfidence
                    + "), 1), got " + warningConfidence);
        }
        if (!(lambda > 0.0 && lambda <= 1.0)) {
            throw new IllegalArgumentException("lambda must be in (0, 1], got " + lambda);
        }
        this.driftConfidence = driftConfidence;
        this.warningConfidence = warningConfidence;
        this.lambda = lambda;
        this.twoSided = twoSided;
        this.logDrift = Math.log(1.0 / driftConfidence);
        this.logWarning = Math.log(1.0 / warningConfidence);
        this.keep = 1.0 - lambda;
        this.lambda2 = lambda * lambda;
        this.keep2 = keep * keep;
        reset();
    }

    private void reset() {
        zMean = 0.0;
        zWeight = 0.0;
        upCut = Double.MAX_VALUE;
        upXMean = 0.0;
        upXWeight = 0.0;
        upYMean = 0.0;
        upYWeight = 0.0;
        downCut = -Double.MAX_VALUE;
        downXMean = 0.0;
        downXWeight = 0.0;
        downYMean = 0.0;
        downYWeight = 0.0;
        warning = false;
    }

    /**
     * @param x the next value, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code x} is outside {@code [0, 1]} or not a number
     */
    @Override
    public void update(double x) {
        Inputs.requireUnitInterval(x);
        if (drift) {
            reset();
        }
        seen++;
        if (zWeight == 0.0) {
            zMean = x;
            zWeight = 1.0;
        } else {
            zMean = lambda * x + keep * zMean;
            zWeight = lambda2 + keep2 * zWeight;
        }
        double zBound = bound(zWeight, logDrift);
        if (zMean + zBound < upCut) {
            upCut = zMean + zBound;
            upXMean = zMean;
            upXWeight = zWeight;
            upYMean = 0.0;
            upYWeight = 0.0;
        } else if (upYWeight == 0.0) {
            upYMean = x;
            upYWeight = 1.0;
        } else {
            upYMean = lambda * x + keep * upYMean;
            upYWeight = lambda2 + keep2 * upYWeight;
        }
        if (twoSided) {
            if (zMean - zBound > downCut) {
                downCut = zMean - zBound;
                downXMean = zMean;
                downXWeight = zWeight;
                downYMean = 0.0;
                downYWeight = 0.0;
            } else if (downYWeight == 0.0) {
                downYMean = x;
                downYWeight = 1.0;
            } else {
                downYMean = lambda * x + keep * downYMean;
                downYWeight = lambda2 + keep2 * downYWeight;
            }
        }
        drift = false;
        warning = false;
        if (upYWeight > 0.0) {
            double gap = upYMean - upXMean;
            if (gap > bound(upXWeight + upYWeight, logDrift)) {
                drift = true;
            } else if (gap > bound(upXWeight + upYWeight, logWarning)) {
                warning = true;
            }
        }
        if (twoSided && !drift && downYWeight > 0.0) {
            double gap = downXMean - downYMean;
            if (gap > bound(downXWeight + downYWeight, logDrift)) {
                drift = true;
                warning = false;
            } else if (gap > bound(downXWeight + downYWeight, logWarning)) {
                warning = true;
            }
        }
    }

    // The order of the floating-point operations and the strict comparisons above are fixed: they
    // reproduce the reference implementation's decisions exactly, ties included.
    private static double bound(double weight, double log) {
        return Math.sqrt(weight * log / 2.0);
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** @return whether the last update passed the warning test (and not the drift test) */
    @Override
    public boolean warningDetected() {
        return warning;
    }

    /** @return the weighted moving average of the stream since the last reset; NaN before any value */
    public double mean() {
        return zWeight == 0.0 ? Double.NaN : zMean;
    }

    @Override
    public HddmW fresh() {
        return new HddmW(driftConfidence, warningConfidence, lambda, twoSided);
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public DetectorState snapshot() {
        return new DetectorState(NAME, new long[] {twoSided ? 1 : 0, seen, warning ? 1 : 0, drift ? 1 : 0},
                new double[] {driftConfidence, warningConfidence, lambda, zMean, zWeight, upCut, upXMean, upXWeight,
                    upYMean, upYWeight, downCut, downXMean, downXWeight, downYMean, downYWeight});
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, new long[] {twoSided ? 1 : 0},
                new double[] {driftConfidence, warningConfidence, lambda});
        if (state.longCount() != 4 || state.doubleCount() != 15) {
            throw new IllegalArgumentException("malformed HddmW state: expected 4 longs and 15 doubles, got "
                    + state.longCount() + " and " + state.doubleCount());
        }
        seen = state.longAt(1);
        warning = state.longAt(2) != 0;
        drift = state.longAt(3) != 0;
        zMean = state.doubleAt(3);
        zWeight = state.doubleAt(4);
        upCut = state.doubleAt(5);
        upXMean = state.doubleAt(6);
        upXWeight = state.doubleAt(7);
        upYMean = state.doubleAt(8);
        upYWeight = state.doubleAt(9);
        downCut = state.doubleAt(10);
        downXMean = state.doubleAt(11);
        downXWeight = state.doubleAt(12);
        downYMean = state.doubleAt(13);
        downYWeight = state.doubleAt(14);
    }

    @Override
    public String toString() {
        return "HddmW[driftConfidence=" + driftConfidence + ", warningConfidence=" + warningConfidence
                + ", lambda=" + lambda + ", twoSided=" + twoSided + "]";
    }
}
