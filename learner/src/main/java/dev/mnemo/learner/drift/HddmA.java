package dev.mnemo.learner.drift;

/**
 * HDDM-A, the Hoeffding drift detection method with the A-test (moving averages): signals a
 * warning and then a drift when the mean of a bounded stream has risen (and, in {@link Mode#BOTH},
 * fallen) significantly since a cut point, with Hoeffding's inequality as the test.
 *
 * <h2>Method</h2>
 * Values lie in {@code [0, 1]}. After {@code n} values with mean {@code Z}, the one-sided Hoeffding
 * bound of a mean of {@code k} values at confidence {@code alpha} is
 * {@code eps(k) = sqrt(ln(1 / alpha) / (2 k))}. The detector keeps a cut point: the prefix of
 * {@code c} values, with mean {@code X}, at which the upper bound {@code X + eps(c)} (drift
 * confidence) was smallest; it moves the cut to the current value whenever
 * {@code Z + eps(n) <= X + eps(c)}. When the cut lies before the current value, the difference of
 * the whole mean and the prefix mean is tested with Hoeffding's inequality for a weighted sum of
 * independent values in {@code [0, 1]}:
 * <pre>
 *   Z - X &gt;= sqrt( (n - c) / (2 n c) * ln(2 / alpha) )
 * </pre>
 * (the sum of the squared ranges of the weights {@code 1/n - 1/c} and {@code 1/n} is
 * {@code (n - c) / (n c)}; the factor {@code ln(2 / alpha)}, the two-sided form, is the
 * conservative choice of the published reference implementation, and this class reproduces its
 * detections exactly). With {@code alpha = driftConfidence} that is a drift; otherwise, with
 * {@code alpha = warningConfidence}, a warning. Unless the mode is {@link Mode#RISE}, a second cut
 * point tracks the largest lower bound {@code X - eps(c)} and the mirror test (drift confidence)
 * detects a fall.
 * What a fall does depends on the {@link Mode}: nothing ({@link Mode#RISE}), a restart of the
 * statistics without a signal ({@link Mode#RISE_RESTART_ON_FALL}, the default: once an error rate
 * has fallen for good, the next rise is measured from the new, lower level), or a drift
 * ({@link Mode#BOTH}). After a drift the detector starts over on the next update. Each update
 * costs a few floating-point operations and two to four square roots; nothing is allocated.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code driftConfidence} in (0, 1), default 0.001.</li>
 *   <li>{@code warningConfidence} in [{@code driftConfidence}, 1), default 0.005.</li>
 *   <li>{@code mode}: what a significant fall does, default {@link Mode#RISE_RESTART_ON_FALL}
 *       (an error rate that falls is not a drift to act on).</li>
 * </ul>
 *
 * <p>Inputs must lie in {@code [0, 1]} (an error stream is 0/1). <b>Mutable and not
 * thread-safe.</b>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * HddmA hddm = HddmA.create();
 * for (int i = 0; i < 2000; i++) {
 *     double p = i < 1000 ? 0.2 : 0.8;            // error rate 0.2, then 0.8
 *     hddm.update(rng.nextDouble() < p ? 1 : 0);
 *     if (hddm.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 1050
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>I. Frias-Blanco, J. del Campo-Avila, G. Ramos-Jimenez, R. Morales-Bueno, A. Ortiz-Diaz and
 *       Y. Caballero-Mota, "Online and non-parametric drift detection methods based on Hoeffding's
 *       bounds", IEEE Transactions on Knowledge and Data Engineering 27(3), 810-823, 2015.</li>
 *   <li>W. Hoeffding, "Probability inequalities for sums of bounded random variables", Journal of
 *       the American Statistical Association 58(301), 13-30, 1963.</li>
 * </ul>
 */
public final class HddmA implements DriftDetector {

    /** Default confidence of the drift test. */
    public static final double DEFAULT_DRIFT_CONFIDENCE = 0.001;
    /** Default confidence of the warning test. */
    public static final double DEFAULT_WARNING_CONFIDENCE = 0.005;

    private static final String NAME = "HddmA";

    private final double driftConfidence;
    private final double warningConfidence;
    private final Mode mode;
    private final boolean watchFalls;
    private final double cutLog;
    private final double logDrift;
    private final double logWarning;

    private long n;
    private double sum;
    // Cut point for rises: the prefix with the smallest upper bound.
    private long upCount;
    private double upSum;
    private double upBound;
    // Cut point for falls (two-sided only): the prefix with the largest lower bound.
    private long downCount;
    private double downSum;
    private double downBound;
    private long seen;
    private boolean warning;
    private boolean drift;

    /** What a significant fall of the mean does. */
    public enum Mode {
        /** Falls are ignored; only rises are tested. */
        RISE,
        /** Rises signal a drift; a fall restarts the statistics without any signal. */
        RISE_RESTART_ON_FALL,
        /** Rises and falls both signal a drift. */
        BOTH
    }

    /**
     * @return a detector with the defaults: drift confidence 0.001, warning confidence 0.005,
     *     {@link Mode#RISE_RESTART_ON_FALL}
     */
    public static HddmA create() {
        return new HddmA(DEFAULT_DRIFT_CONFIDENCE, DEFAULT_WARNING_CONFIDENCE, Mode.RISE_RESTART_ON_FALL);
    }

    /**
     * A detector with every hyper-parameter given.
     *
     * @param driftConfidence confidence of the drift test, in (0, 1)
     * @param warningConfidence confidence of the warning test, in [{@code driftConfidence}, 1)
     * @param mode what a significant fall does
     * @throws IllegalArgumentException if a value is outside its range or {@code mode} is null
     */
    public HddmA(double driftConfidence, double warningConfidence, Mode mode) {
        if (!(driftConfidence > 0.0 && driftConfidence < 1.0)) {
            throw new IllegalArgumentException("driftConfidence must be in (0, 1), got " + driftConfidence);
        }
        if (!(warningConfidence >= driftConfidence && warningConfidence < 1.0)) {
            throw new IllegalArgumentException("warningConfidence must be in [driftConfidence (" + driftConfidence
                    + "), 1), got " + warningConfidence);
        }
        this.driftConfidence = driftConfidence;
        this.warningConfidence = warningConfidence;
        if (mode == null) {
            throw new IllegalArgumentException("mode must be one of RISE, RISE_RESTART_ON_FALL, BOTH, got null");
        }
        this.mode = mode;
        this.watchFalls = mode != Mode.RISE;
        this.cutLog = Math.log(1.0 / driftConfidence);
        this.logDrift = Math.log(2.0 / driftConfidence);
        this.logWarning = Math.log(2.0 / warningConfidence);
        reset();
    }

    private void reset() {
        n = 0;
        sum = 0.0;
        upCount = 0;
        upSum = 0.0;
        upBound = 0.0;
        downCount = 0;
        downSum = 0.0;
        downBound = 0.0;
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
        n++;
        sum += x;
        double mean = sum / n;
        double bound = cutBound(n);
        if (upCount == 0 || upSum / upCount + upBound >= mean + bound) {
            upCount = n;
            upSum = sum;
            upBound = bound;
        }
        if (watchFalls && (downCount == 0 || downSum / downCount - downBound <= mean - bound)) {
            downCount = n;
            downSum = sum;
            downBound = bound;
        }
        drift = false;
        warning = false;
        if (upCount < n) {
            double gap = mean - upSum / upCount;
            if (gap >= testBound(upCount, logDrift)) {
                drift = true;
            } else if (gap >= testBound(upCount, logWarning)) {
                warning = true;
            }
        }
        if (watchFalls && !drift && downCount < n
                && downSum / downCount - mean >= testBound(downCount, logDrift)) {
            if (mode == Mode.BOTH) {
                drift = true;
                warning = false;
            } else {
                boolean keepWarning = warning;
                reset();
                warning = keepWarning;
            }
        }
    }

    // The order of the floating-point operations below is fixed: ties between bounds are frequent on
    // 0/1 streams, and this order reproduces the reference implementation's decisions exactly.
    private double cutBound(long count) {
        return Math.sqrt(1.0 / (2 * count) * cutLog);
    }

    private double testBound(long cut, double log) {
        double m = (double) (n - cut) / cut * (1.0 / n);
        return Math.sqrt(m / 2.0 * log);
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

    /** @return the mean since the last reset; NaN before the first update */
    public double mean() {
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public HddmA fresh() {
        return new HddmA(driftConfidence, warningConfidence, mode);
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public DetectorState snapshot() {
        return new DetectorState(NAME,
                new long[] {mode.ordinal(), n, upCount, downCount, seen, warning ? 1 : 0, drift ? 1 : 0},
                new double[] {driftConfidence, warningConfidence, sum, upSum, downSum});
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, new long[] {mode.ordinal()}, new double[] {driftConfidence, warningConfidence});
        if (state.longCount() != 7 || state.doubleCount() != 5) {
            throw new IllegalArgumentException("malformed HddmA state: expected 7 longs and 5 doubles, got "
                    + state.longCount() + " and " + state.doubleCount());
        }
        n = state.longAt(1);
        upCount = state.longAt(2);
        downCount = state.longAt(3);
        upBound = upCount == 0 ? 0.0 : cutBound(upCount);
        downBound = downCount == 0 ? 0.0 : cutBound(downCount);
        seen = state.longAt(4);
        warning = state.longAt(5) != 0;
        drift = state.longAt(6) != 0;
        sum = state.doubleAt(2);
        upSum = state.doubleAt(3);
        downSum = state.doubleAt(4);
    }

    @Override
    public String toString() {
        return "HddmA[driftConfidence=" + driftConfidence + ", warningConfidence=" + warningConfidence
                + ", mode=" + mode + "]";
    }
}
