package dev.mnemo.learner.drift;

/**
 * DDM, the drift detection method: watches the error rate of a classifier and signals a warning
 * and then a drift when it rises significantly above the best rate seen so far.
 *
 * <h2>Method</h2>
 * The errors are Bernoulli trials. After {@code i} outcomes with error rate {@code p_i} the
 * standard deviation is {@code s_i = sqrt(p_i (1 - p_i) / i)}. Once at least {@code minInstances}
 * outcomes have been seen, the detector keeps {@code p_min} and {@code s_min}, the values at which
 * {@code p_i + s_i} was smallest, and signals
 * <pre>
 *   warning  when  p_i + s_i &gt; p_min + warningThreshold * s_min
 *   drift    when  p_i + s_i &gt; p_min + driftThreshold   * s_min
 * </pre>
 * (strict inequalities, so that a stream of constant outcomes never fires). After a drift the
 * detector starts over on the next update.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code minInstances} &gt;= 1, default 30.</li>
 *   <li>{@code warningThreshold} &gt; 0, default 2 (two standard deviations).</li>
 *   <li>{@code driftThreshold} &gt;= {@code warningThreshold}, default 3.</li>
 * </ul>
 *
 * <p>Inputs must be 0 (right) or 1 (wrong). <b>Mutable and not thread-safe.</b>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * Ddm ddm = Ddm.create();
 * for (int i = 0; i < 2000; i++) {
 *     double p = i < 1000 ? 0.2 : 0.8;            // error rate 0.2, then 0.8
 *     ddm.update(rng.nextDouble() < p);
 *     if (ddm.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 1008
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Gama, P. Medas, G. Castillo and P. Rodrigues, "Learning with drift detection",
 *       Advances in Artificial Intelligence, SBIA 2004, Lecture Notes in Computer Science 3171,
 *       Springer, 286-295, 2004.</li>
 * </ul>
 */
public final class Ddm implements BinaryDriftDetector {

    /** Default number of outcomes before any signal. */
    public static final int DEFAULT_MIN_INSTANCES = 30;
    /** Default warning level, in standard deviations. */
    public static final double DEFAULT_WARNING_THRESHOLD = 2.0;
    /** Default drift level, in standard deviations. */
    public static final double DEFAULT_DRIFT_THRESHOLD = 3.0;

    private static final String NAME = "Ddm";

    private final int minInstances;
    private final double warningThreshold;
    private final double driftThreshold;

    private long n;
    private long errors;
    private double pMin;
    private double sMin;
    private double psMin;
    private long seen;
    private boolean warning;
    private boolean drift;

    /** @return a detector with the defaults (30 outcomes, warning 2, drift 3) */
    public static Ddm create() {
        return new Ddm(DEFAULT_MIN_INSTANCES, DEFAULT_WARNING_THRESHOLD, DEFAULT_DRIFT_THRESHOLD);
    }

    /**
     * A detector with every hyper-parameter given.
     *
     * @param minInstances outcomes before any signal, at least 1
     * @param warningThreshold warning level in standard deviations, greater than 0
     * @param driftThreshold drift level in standard deviations, at least {@code warningThreshold}
     * @throws IllegalArgumentException if a value is outside its range
     */
    public Ddm(int minInstances, double warningThreshold, double driftThreshold) {
        if (minInstances < 1) {
            throw new IllegalArgumentException("minInstances must be >= 1, got " + minInstances);
        }
        if (!(warningThreshold > 0.0 && warningThreshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("warningThreshold must be finite and > 0, got " + warningThreshold);
        }
        if (!(driftThreshold >= warningThreshold && driftThreshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("driftThreshold must be finite and >= warningThreshold ("
                    + warningThreshold + "), got " + driftThreshold);
        }
        this.minInstances = minInstances;
        this.warningThreshold = warningThreshold;
        this.driftThreshold = driftThreshold;
        reset();
    }

    private void reset() {
        n = 0;
        errors = 0;
        pMin = Double.NaN;
        sMin = Double.NaN;
        psMin = Double.POSITIVE_INFINITY;
        warning = false;
    }

    /**
     * @param x the outcome: 1 if the model was wrong, 0 if it was right
     * @throws IllegalArgumentException if {@code x} is neither 0 nor 1
     */
    @Override
    public void update(double x) {
        Inputs.requireBinary(x);
        if (drift) {
            reset();
        }
        seen++;
        n++;
        if (x == 1.0) {
            errors++;
        }
        double p = (double) errors / n;
        double s = Math.sqrt(p * (1.0 - p) / n);
        if (n < minInstances) {
            warning = false;
            drift = false;
            return;
        }
        double ps = p + s;
        if (ps <= psMin) {
            pMin = p;
            sMin = s;
            psMin = ps;
        }
        drift = ps > pMin + driftThreshold * sMin;
        warning = !drift && ps > pMin + warningThreshold * sMin;
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** @return whether the last update was in the warning zone (and not a drift) */
    @Override
    public boolean warningDetected() {
        return warning;
    }

    /** @return the error rate since the last reset; NaN before the first update */
    public double errorRate() {
        return n == 0 ? Double.NaN : (double) errors / n;
    }

    @Override
    public Ddm fresh() {
        return new Ddm(minInstances, warningThreshold, driftThreshold);
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public DetectorState snapshot() {
        return new DetectorState(NAME, new long[] {minInstances, n, errors, seen, warning ? 1 : 0, drift ? 1 : 0},
                new double[] {warningThreshold, driftThreshold, pMin, sMin, psMin});
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, new long[] {minInstances}, new double[] {warningThreshold, driftThreshold});
        if (state.longCount() != 6 || state.doubleCount() != 5) {
            throw new IllegalArgumentException("malformed Ddm state");
        }
        n = state.longAt(1);
        errors = state.longAt(2);
        seen = state.longAt(3);
        warning = state.longAt(4) != 0;
        drift = state.longAt(5) != 0;
        pMin = state.doubleAt(2);
        sMin = state.doubleAt(3);
        psMin = state.doubleAt(4);
    }

    @Override
    public String toString() {
        return "Ddm[minInstances=" + minInstances + ", warningThreshold=" + warningThreshold + ", driftThreshold="
                + driftThreshold + "]";
    }
}
