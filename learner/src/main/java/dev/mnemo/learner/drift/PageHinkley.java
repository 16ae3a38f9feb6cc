package dev.mnemo.learner.drift;

/**
 * The Page-Hinkley test: a cumulative sum of deviations from the running mean that signals a drift
 * when the sum rises (or falls) too far above (below) its past extreme.
 *
 * <h2>Method</h2>
 * After {@code t} values with running mean {@code mean_t} (including {@code x_t}), the upward
 * statistic is
 * <pre>
 *   U_t = alpha * U_{t-1} + (x_t - mean_t - delta),    m_t = min(m_{t-1}, U_t)
 * </pre>
 * and an increase of the mean is signalled when {@code U_t - m_t > threshold}. The downward test
 * mirrors it with {@code D_t = alpha * D_{t-1} + (x_t - mean_t + delta)}, {@code M_t = max(M_{t-1},
 * D_t)} and {@code M_t - D_t > threshold}. {@code delta} is the magnitude of change tolerated,
 * {@code alpha} a forgetting factor (1 gives the original test) and nothing is signalled before
 * {@code minInstances} values. After a drift the detector starts over on the next update.
 *
 * <p>An update costs a handful of floating-point operations and allocates nothing.
 *
 * <p>With {@code alpha < 1} the statistic forgets, but its running minimum does not, so on a long
 * stationary stream random excursions eventually cross the threshold: with the defaults, on
 * Bernoulli(0.2) values, about one false alarm per 22,000 values. Use {@code alpha = 1} or a higher
 * threshold where that matters.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code minInstances} &gt;= 1, default 30.</li>
 *   <li>{@code delta} &gt;= 0, default 0.005.</li>
 *   <li>{@code threshold} &gt; 0, default 50.</li>
 *   <li>{@code alpha} in (0, 1], default 1 - 0.0001.</li>
 *   <li>{@code mode} {@link Mode#UP}, {@link Mode#DOWN} or {@link Mode#BOTH}, default UP.</li>
 * </ul>
 *
 * <p><b>Mutable and not thread-safe.</b> It has no warning zone.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * PageHinkley ph = PageHinkley.create();
 * for (int i = 0; i < 2000; i++) {
 *     double p = i < 1000 ? 0.2 : 0.8;            // Bernoulli(0.2), then Bernoulli(0.8)
 *     ph.update(rng.nextDouble() < p ? 1 : 0);
 *     if (ph.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 1056
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>E. S. Page, "Continuous inspection schemes", Biometrika 41(1/2), 100-115, 1954.</li>
 *   <li>D. V. Hinkley, "Inference about the change-point from cumulative sum tests", Biometrika
 *       58(3), 509-523, 1971.</li>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 317-346, 2013 (the fading factor).</li>
 * </ul>
 */
public final class PageHinkley implements DriftDetector {

    /** Which change of the mean to detect. */
    public enum Mode {
        /** An increase of the mean, for example of an error rate. */
        UP,
        /** A decrease of the mean. */
        DOWN,
        /** Either. */
        BOTH
    }

    /** Default number of values before any detection. */
    public static final int DEFAULT_MIN_INSTANCES = 30;
    /** Default tolerated change. */
    public static final double DEFAULT_DELTA = 0.005;
    /** Default detection threshold. */
    public static final double DEFAULT_THRESHOLD = 50.0;
    /** Default forgetting factor. */
    public static final double DEFAULT_ALPHA = 1.0 - 0.0001;

    private static final String NAME = "PageHinkley";

    private final int minInstances;
    private final double delta;
    private final double threshold;
    private final double alpha;
    private final Mode mode;
    private final boolean up;
    private final boolean down;

    private long n;
    private double mean;
    private double sumUp;
    private double minUp;
    private double sumDown;
    private double maxDown;
    private long seen;
    private boolean drift;

    /** @return a detector with the defaults (30, 0.005, 50, 1 - 0.0001, UP) */
    public static PageHinkley create() {
        return new PageHinkley(DEFAULT_MIN_INSTANCES, DEFAULT_DELTA, DEFAULT_THRESHOLD, DEFAULT_ALPHA, Mode.UP);
    }

    /**
     * @param threshold detection threshold, greater than 0
     * @param mode which change to detect
     * @return a detector with the given threshold and mode and the other defaults
     */
    public static PageHinkley withThreshold(double threshold, Mode mode) {
        return new PageHinkley(DEFAULT_MIN_INSTANCES, DEFAULT_DELTA, threshold, DEFAULT_ALPHA, mode);
    }

    /**
     * A detector with every hyper-parameter given.
     *
     * @param minInstances values before any detection, at least 1
     * @param delta tolerated change, at least 0
     * @param threshold detection threshold, greater than 0
     * @param alpha forgetting factor, in (0, 1]
     * @param mode which change to detect, not null
     * @throws IllegalArgumentException if a value is outside its range
     */
    public PageHinkley(int minInstances, double delta, double threshold, double alpha, Mode mode) {
        if (minInstances < 1) {
            throw new IllegalArgumentException("minInstances must be >= 1, got " + minInstances);
        }
        if (!(delta >= 0.0 && delta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("delta must be finite and >= 0, got " + delta);
        }
        if (!(threshold > 0.0 && threshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("threshold must be finite and > 0, got " + threshold);
        }
        if (!(alpha > 0.0 && alpha <= 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must be one of UP, DOWN, BOTH, got null");
        }
        this.minInstances = minInstances;
        this.delta = delta;
        this.threshold = threshold;
        this.alpha = alpha;
        this.mode = mode;
        this.up = mode != Mode.DOWN;
        this.down = mode != Mode.UP;
        reset();
    }

    private void reset() {
        n = 0;
        mean = 0.0;
        sumUp = 0.0;
        minUp = Double.POSITIVE_INFINITY;
        sumDown = 0.0;
        maxDown = Double.NEGATIVE_INFINITY;
    }

    @Override
    public void update(double x) {
        Inputs.requireFinite(x);
        if (drift) {
            reset();
        }
        seen++;
        n++;
        mean += (x - mean) / n;
        boolean fired = false;
        if (up) {
            sumUp = alpha * sumUp + (x - mean - delta);
            minUp = Math.min(minUp, sumUp);
            fired = sumUp - minUp > threshold;
        }
        if (down) {
            sumDown = alpha * sumDown + (x - mean + delta);
            maxDown = Math.max(maxDown, sumDown);
            fired |= maxDown - sumDown > threshold;
        }
        drift = fired && n >= minInstances;
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** @return the running mean since the last reset; 0 before the first update */
    public double mean() {
        return mean;
    }

    @Override
    public PageHinkley fresh() {
        return new PageHinkley(minInstances, delta, threshold, alpha, mode);
    }

    @Override
    public long seen() {
        return seen;
    }

    private long[] hyperLongs() {
        return new long[] {minInstances, mode.ordinal()};
    }

    private double[] hyperDoubles() {
        return new double[] {delta, threshold, alpha};
    }

    @Override
    public DetectorState snapshot() {
        return new DetectorState(NAME, new long[] {minInstances, mode.ordinal(), n, seen, drift ? 1 : 0},
                new double[] {delta, threshold, alpha, mean, sumUp, minUp, sumDown, maxDown});
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, hyperLongs(), hyperDoubles());
        if (state.longCount() != 5 || state.doubleCount() != 8) {
            throw new IllegalArgumentException("malformed PageHinkley state");
        }
        n = state.longAt(2);
        seen = state.longAt(3);
        drift = state.longAt(4) != 0;
        mean = state.doubleAt(3);
        sumUp = state.doubleAt(4);
        minUp = state.doubleAt(5);
        sumDown = state.doubleAt(6);
        maxDown = state.doubleAt(7);
    }

    @Override
    public String toString() {
        return "PageHinkley[minInstances=" + minInstances + ", delta=" + delta + ", threshold=" + threshold
                + ", alpha=" + alpha + ", mode=" + mode + "]";
    }
}
