package dev.mnemo.learner.drift;

import java.util.Arrays;

/**
 * KSWIN, the Kolmogorov-Smirnov windowing detector: compares the most recent values with a random
 * sample of the older values in a sliding window and signals a drift when a two-sample
 * Kolmogorov-Smirnov test rejects that they share one distribution.
 *
 * <h2>Method</h2>
 * The detector keeps the last {@code windowSize} values. Once the window is full, at every update
 * it takes the newest {@code statSize} values {@code R} and draws {@code statSize} distinct values
 * {@code W} uniformly, without replacement, from the older {@code windowSize - statSize}. It
 * computes the statistic {@code D(R, W)} and its p-value with {@link KolmogorovSmirnov} (exact for
 * the default sizes) and signals a drift when {@code p <= alpha}. On a drift the window is cut to
 * {@code R}, so the detector first refills with values of the new concept. Unlike a mean-based
 * detector it reacts to any change of distribution (spread, shape), not only of the mean.
 *
 * <p>The random draws come from a seeded {@link SplitMix64} whose state is part of the snapshot, so
 * a run is reproducible and a restored detector draws the same samples. An update costs
 * O(statSize log statSize + statSize^2) for the sort and the exact p-value.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code alpha} in (0, 1), default 0.005: significance level.</li>
 *   <li>{@code windowSize} &gt;= 2, default 100.</li>
 *   <li>{@code statSize} in [1, windowSize / 2], default 30.</li>
 *   <li>{@code seed}: the random generator's seed, default 42.</li>
 * </ul>
 *
 * <p><b>Mutable and not thread-safe.</b> It has no warning zone.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * Kswin kswin = Kswin.create();
 * for (int i = 0; i < 2000; i++) {
 *     double p = i < 1000 ? 0.2 : 0.8;            // Bernoulli(0.2), then Bernoulli(0.8)
 *     kswin.update(rng.nextDouble() < p ? 1 : 0);
 *     if (kswin.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 1051
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>C. Raab, M. Heusinger and F.-M. Schleif, "Reactive soft prototype computing for concept
 *       drift streams", Neurocomputing 416, 340-351, 2020.</li>
 *   <li>N. Smirnov, "Table for estimating the goodness of fit of empirical distributions", Annals
 *       of Mathematical Statistics 19(2), 279-281, 1948.</li>
 * </ul>
 */
public final class Kswin implements DriftDetector {

    /** Default significance level. */
    public static final double DEFAULT_ALPHA = 0.005;
    /** Default window size. */
    public static final int DEFAULT_WINDOW_SIZE = 100;
    /** Default size of each compared sample. */
    public static final int DEFAULT_STAT_SIZE = 30;
    /** Default seed. */
    public static final long DEFAULT_SEED = 42L;

    private static final String NAME = "Kswin";
    private static final int MAX_CACHED_STAT_SIZE = 1024;

    private final double alpha;
    private final int windowSize;
    private final int statSize;
    private final long seed;

    // Ring buffer: the oldest value is at head, count values in all.
    private final double[] window;
    private int head;
    private int count;
    private SplitMix64 rng;
    private long seen;
    private boolean drift;
    private double pValue = 1.0;
    private double statistic;

    private final double[] recent;
    private final double[] older;
    private final int[] positions;
    // p-value by statistic numerator: the test only ever sees statSize^2 + 1 distinct values.
    private final double[] pValues;

    /** @return a detector with the defaults (alpha 0.005, window 100, stat size 30, seed 42) */
    public static Kswin create() {
        return new Kswin(DEFAULT_ALPHA, DEFAULT_WINDOW_SIZE, DEFAULT_STAT_SIZE, DEFAULT_SEED);
    }

    /**
     * @param seed the random generator's seed
     * @return a detector with the default sizes and level and the given seed
     */
    public static Kswin withSeed(long seed) {
        return new Kswin(DEFAULT_ALPHA, DEFAULT_WINDOW_SIZE, DEFAULT_STAT_SIZE, seed);
    }

    /**
     * A detector with every hyper-parameter given.
     *
     * @param alpha significance level, in (0, 1)
     * @param windowSize values kept, at least 2
     * @param statSize size of each compared sample, in [1, windowSize / 2]
     * @param seed the random generator's seed
     * @throws IllegalArgumentException if a value is outside its range
     */
    public Kswin(double alpha, int windowSize, int statSize, long seed) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (windowSize < 2) {
            throw new IllegalArgumentException("windowSize must be >= 2, got " + windowSize);
        }
        if (statSize < 1 || statSize > windowSize / 2) {
            throw new IllegalArgumentException(
                    "statSize must be in [1, windowSize / 2] = [1, " + windowSize / 2 + "], got " + statSize);
        }
        this.alpha = alpha;
        this.windowSize = windowSize;
        this.statSize = statSize;
        this.seed = seed;
        this.window = new double[windowSize];
        this.rng = new SplitMix64(seed);
        this.recent = new double[statSize];
        this.older = new double[statSize];
        this.positions = new int[windowSize - statSize];
        this.pValues = statSize <= MAX_CACHED_STAT_SIZE ? new double[statSize * statSize + 1] : null;
        if (pValues != null) {
            Arrays.fill(pValues, Double.NaN);
        }
    }

    @Override
    public void update(double x) {
        Inputs.requireFinite(x);
        seen++;
        if (count < windowSize) {
            window[(head + count) % windowSize] = x;
            count++;
        } else {
            window[head] = x;
            head = (head + 1) % windowSize;
        }
        drift = false;
        if (count < windowSize) {
            return;
        }
        int olderSize = windowSize - statSize;
        for (int k = 0; k < statSize; k++) {
            recent[k] = window[(head + olderSize + k) % windowSize];
        }
        // A partial shuffle: the first statSize positions are a uniform draw without
        // replacement from the older part of the window.
        for (int k = 0; k < olderSize; k++) {
            positions[k] = k;
        }
        for (int k = 0; k < statSize; k++) {
            int r = k + rng.nextInt(olderSize - k);
            int t = positions[k];
            positions[k] = positions[r];
            positions[r] = t;
            older[k] = window[(head + positions[k]) % windowSize];
        }
        Arrays.sort(recent);
        Arrays.sort(older);
        long k = KolmogorovSmirnov.numerator(older, recent);
        statistic = (double) k / ((double) statSize * statSize);
        double p = pValues == null ? Double.NaN : pValues[(int) k];
        if (Double.isNaN(p)) {
            p = KolmogorovSmirnov.pValue(k, statSize, statSize);
            if (pValues != null) {
                pValues[(int) k] = p;
            }
        }
        pValue = p;
        if (pValue <= alpha) {
            drift = true;
            // Keep only the newest statSize values, in arrival order.
            double[] keep = new double[statSize];
            for (int j = 0; j < statSize; j++) {
                keep[j] = window[(head + olderSize + j) % windowSize];
            }
            System.arraycopy(keep, 0, window, 0, statSize);
            head = 0;
            count = statSize;
        }
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** @return the p-value of the last test; 1 until the window first fills */
    public double pValue() {
        return pValue;
    }

    /** @return the statistic of the last test; 0 until the window first fills */
    public double statistic() {
        return statistic;
    }

    @Override
    public Kswin fresh() {
        return new Kswin(alpha, windowSize, statSize, seed);
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public DetectorState snapshot() {
        double[] d = new double[3 + count];
        d[0] = alpha;
        d[1] = pValue;
        d[2] = statistic;
        for (int j = 0; j < count; j++) {
            d[3 + j] = window[(head + j) % windowSize];
        }
        return new DetectorState(NAME,
                new long[] {windowSize, statSize, seed, rng.state(), seen, drift ? 1 : 0, count}, d);
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, new long[] {windowSize, statSize, seed}, new double[] {alpha});
        long c = state.longCount() == 7 ? state.longAt(6) : -1;
        if (c < 0 || c > windowSize || state.doubleCount() != 3 + c) {
            throw new IllegalArgumentException("malformed Kswin state");
        }
        rng = new SplitMix64(state.longAt(3));
        seen = state.longAt(4);
        drift = state.longAt(5) != 0;
        count = (int) c;
        head = 0;
        pValue = state.doubleAt(1);
        statistic = state.doubleAt(2);
        for (int j = 0; j < count; j++) {
            window[j] = state.doubleAt(3 + j);
        }
    }

    @Override
    public String toString() {
        return "Kswin[alpha=" + alpha + ", windowSize=" + windowSize + ", statSize=" + statSize + ", seed=" + seed + "]";
    }
}
