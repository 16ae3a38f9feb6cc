package dev.mnemo.learner.drift;

import java.util.Arrays;

/**
 * ADWIN, adaptive windowing: keeps a window of recent values that is as long as possible while no
 * two sub-windows have significantly different means, and signals a drift whenever it drops the
 * older part.
 *
 * <h2>Method</h2>
 * The window {@code W} (width {@code n}) is split at every boundary into an older part {@code W0}
 * and a newer part {@code W1}, of widths {@code n0}, {@code n1} and means {@code mu0}, {@code mu1}.
 * With {@code m = 1/(n0 - L + 1) + 1/(n1 - L + 1)} ({@code L} the minimum sub-window length),
 * {@code delta' = ln(2 ln(n) / delta)} and {@code sigma^2} the variance of {@code W}, the cut is
 * significant when
 * <pre>
 *   |mu0 - mu1| &gt;= sqrt(2 m sigma^2 delta') + (2/3) m delta'
 * </pre>
 * (a concentration bound that uses the variance). The split points are the bucket boundaries,
 * oldest first. On a significant cut the oldest bucket is dropped and the test runs again, until
 * no cut is significant. This is ADWIN2: the window is stored as an exponential histogram, rows of
 * at most {@code M} buckets holding 2<sup>i</sup> values each (their sum and variance), so memory
 * and a full check cost O(M log(n/M)). When a row overflows, its two oldest buckets are merged into
 * one of the next row. The check runs only every {@code clock} updates and only once the window is
 * longer than {@code gracePeriod}.
 *
 * <p>An update costs O(1) amortised and allocates nothing: buckets live in two fixed primitive
 * arrays of 64 rows, each row a ring, and the cut test is evaluated without divisions or square
 * roots (both sides multiplied by {@code n0 n1 (n0 - L + 1)(n1 - L + 1)} and squared), which only
 * differs from the formula above in the last bits of a tie. {@link #estimation()} is the mean of the current window, a running estimate
 * that adapts to the latest concept.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code delta} in (0, 1), default 0.002: confidence; smaller means fewer false alarms and
 *       slower detection.</li>
 *   <li>{@code clock} &gt;= 1, default 32: run the cut check every {@code clock} updates.</li>
 *   <li>{@code maxBuckets} &gt;= 2, default 5: buckets per row ({@code M}).</li>
 *   <li>{@code minWindowLength} &gt;= 1, default 5: minimum width of each sub-window ({@code L}).</li>
 *   <li>{@code gracePeriod} &gt;= 0, default 10: no check while the window is not longer.</li>
 * </ul>
 *
 * <p><b>Mutable and not thread-safe.</b> ADWIN does not reset on a drift; it shrinks its window.
 * It has no warning zone.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * Adwin adwin = Adwin.create();
 * for (int i = 0; i < 2000; i++) {
 *     double p = i < 1000 ? 0.2 : 0.8;            // Bernoulli(0.2), then Bernoulli(0.8)
 *     adwin.update(rng.nextDouble() < p ? 1 : 0);
 *     if (adwin.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 1055
 * // change detected at index 1087
 * // change detected at index 1119
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>A. Bifet and R. Gavalda, "Learning from time-changing data with adaptive windowing",
 *       Proceedings of the 2007 SIAM International Conference on Data Mining (SDM), 443-448,
 *       2007.</li>
 *   <li>M. Datar, A. Gionis, P. Indyk and R. Motwani, "Maintaining stream statistics over sliding
 *       windows", SIAM Journal on Computing 31(6), 1794-1813, 2002.</li>
 * </ul>
 */
public final class Adwin implements DriftDetector {

    /** Default confidence. */
    public static final double DEFAULT_DELTA = 0.002;
    /** Default check period. */
    public static final int DEFAULT_CLOCK = 32;
    /** Default buckets per row. */
    public static final int DEFAULT_MAX_BUCKETS = 5;
    /** Default minimum sub-window length. */
    public static final int DEFAULT_MIN_WINDOW_LENGTH = 5;
    /** Default grace period. */
    public static final int DEFAULT_GRACE_PERIOD = 10;

    private static final String NAME = "Adwin";
    private static final int ROWS = 64;

    private final double delta;
    private final int clock;
    private final int maxBuckets;
    private final int minWindowLength;
    private final int gracePeriod;
    private final int rowLength;

    // Row r is a ring of counts[r] buckets of 2^r values each, oldest at r * rowLength + starts[r]:
    // merging and dropping buckets moves a start index instead of copying the row.
    private final double[] totals;
    private final double[] variances;
    private final int[] starts;
    private final int[] counts;
    private int rows;

    private double width;
    private double total;
    private double variance;
    private long tick;
    // clock - tick % clock, kept as a countdown so that an update needs no division.
    private int untilCheck;
    private long seen;
    private long detections;
    private boolean drift;

    /** @return a detector with the defaults (delta 0.002, clock 32, 5 buckets, length 5, grace 10) */
    public static Adwin create() {
        return new Adwin(DEFAULT_DELTA, DEFAULT_CLOCK, DEFAULT_MAX_BUCKETS, DEFAULT_MIN_WINDOW_LENGTH,
                DEFAULT_GRACE_PERIOD);
    }

    /**
     * @param delta confidence in (0, 1)
     * @return a detector with confidence {@code delta} and the other defaults
     */
    public static Adwin withDelta(double delta) {
        return new Adwin(delta, DEFAULT_CLOCK, DEFAULT_MAX_BUCKETS, DEFAULT_MIN_WINDOW_LENGTH, DEFAULT_GRACE_PERIOD);
    }

    /**
     * A detector with every hyper-parameter given.
     *
     * @param delta confidence, in (0, 1)
     * @param clock check period, at least 1
     * @param maxBuckets buckets per row, at least 2
     * @param minWindowLength minimum sub-window length, at least 1
     * @param gracePeriod no check until the window is longer, at least 0
     * @throws IllegalArgumentException if a value is outside its range
     */
    public Adwin(double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod) {
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        if (clock < 1) {
            throw new IllegalArgumentException("clock must be >= 1, got " + clock);
        }
        if (maxBuckets < 2 || maxBuckets > 1024) {
            throw new IllegalArgumentException("maxBuckets must be in [2, 1024], got " + maxBuckets);
        }
        if (minWindowLength < 1) {
            throw new IllegalArgumentException("minWindowLength must be >= 1, got " + minWindowLength);
        }
        if (gracePeriod < 0) {
            throw new IllegalArgumentException("gracePeriod must be >= 0, got " + gracePeriod);
        }
        this.delta = delta;
        this.clock = clock;
        this.maxBuckets = maxBuckets;
        this.minWindowLength = minWindowLength;
        this.gracePeriod = gracePeriod;
        this.rowLength = maxBuckets + 1;
        this.totals = new double[ROWS * rowLength];
        this.variances = new double[ROWS * rowLength];
        this.counts = new int[ROWS];
        this.starts = new int[ROWS];
        this.untilCheck = clock;
    }

    @Override
    public void update(double x) {
        Inputs.requireFinite(x);
        seen++;
        tick++;
        insert(x);
        if (--untilCheck == 0) {
            untilCheck = clock;
            drift = width > gracePeriod && detectChange();
        } else {
            drift = false;
        }
        if (drift) {
            detections++;
        }
    }

    private int slot(int row, int k) {
        int i = starts[row] + k;
        return row * rowLength + (i >= rowLength ? i - rowLength : i);
    }

    private void insert(double x) {
        int c = counts[0];
        int at = slot(0, c);
        totals[at] = x;
        variances[at] = 0.0;
        counts[0] = c + 1;
        if (rows == 0) {
            rows = 1;
        }
        width += 1.0;
        if (width > 1.0) {
            double d = x - total / (width - 1.0);
            variance += (width - 1.0) * d * d / width;
        }
        total += x;
        if (c + 1 > maxBuckets) {
            compress();
        }
    }

    private void compress() {
        for (int r = 0; r < ROWS - 1 && counts[r] > maxBuckets; r++) {
            double n = (double) (1L << r);
            int first = slot(r, 0);
            int second = slot(r, 1);
            double t0 = totals[first];
            double t1 = totals[second];
            double dm = t0 / n - t1 / n;
            double v = variances[first] + variances[second] + n * n * dm * dm / (n + n);
            int next = slot(r + 1, counts[r + 1]);
            totals[next] = t0 + t1;
            variances[next] = v;
            counts[r + 1]++;
            if (r + 2 > rows) {
                rows = r + 2;
            }
            int start = starts[r] + 2;
            starts[r] = start >= rowLength ? start - rowLength : start;
            counts[r] -= 2;
        }
    }

    private boolean detectChange() {
        boolean changed = false;
        boolean reduce = true;
        while (reduce) {
            reduce = false;
            // Width and variance are fixed during one scan: a deletion ends the scan.
            double deltaPrime = Math.log(2.0 * Math.log(width) / delta);
            double linear = 2.0 / 3.0 * deltaPrime;
            double quadratic = 2.0 * (variance / width) * deltaPrime;
            double n0 = 0.0;
            double n1 = width;
            double u0 = 0.0;
            double u1 = total;
            scan:
            for (int r = rows - 1; r >= 0; r--) {
                int c = counts[r];
                double n2 = (double) (1L << r);
                for (int k = 0; k < c; k++) {
                    double u2 = totals[slot(r, k)];
                    n0 += n2;
                    n1 -= n2;
                    u0 += u2;
                    u1 -= u2;
                    if (r == 0 && k == c - 1) {
                        break scan;
                    }
                    if (n1 >= minWindowLength && n0 >= minWindowLength
                            && cut(n0, n1, u0, u1, linear, quadratic)) {
                        reduce = true;
                        changed = true;
                        if (width > 0.0) {
                            deleteOldest();
                        }
                        break scan;
                    }
                }
            }
        }
        return changed;
    }

    /**
     * {@code |u0/n0 - u1/n1| >= sqrt(2 m sigma^2 delta') + (2/3) m delta'}, with {@code m = s/q},
     * {@code s = a + b}, {@code q = a b}, {@code a = n0 - L + 1}, {@code b = n1 - L + 1}. Both sides
     * are multiplied by {@code p q} ({@code p = n0 n1}) and the square root is squared away: the
     * check runs for every bucket, and divisions and roots would dominate its cost.
     */
    private boolean cut(double n0, double n1, double u0, double u1, double linear, double quadratic) {
        double a = n0 - minWindowLength + 1;
        double b = n1 - minWindowLength + 1;
        double p = n0 * n1;
        double q = a * b;
        double s = a + b;
        double excess = Math.abs(u0 * n1 - u1 * n0) * q - linear * s * p;
        return excess >= 0.0 && excess * excess >= quadratic * s * q * p * p;
    }

    private void deleteOldest() {
        int r = rows - 1;
        int oldest = slot(r, 0);
        double n = (double) (1L << r);
        double u = totals[oldest];
        double v = variances[oldest];
        width -= n;
        total -= u;
        double mu = u / n;
        double muWindow = total / width;
        variance -= v + n * width * (mu - muWindow) * (mu - muWindow) / (n + width);
        int start = starts[r] + 1;
        starts[r] = start >= rowLength ? start - rowLength : start;
        if (--counts[r] == 0) {
            starts[r] = 0;
            rows--;
        }
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** @return the mean of the current window; 0 before the first update */
    public double estimation() {
        return width == 0.0 ? 0.0 : total / width;
    }

    /** @return the number of values in the current window */
    public long width() {
        return (long) width;
    }

    /** @return the variance of the values in the current window; 0 before the first update */
    public double variance() {
        return width == 0.0 ? 0.0 : variance / width;
    }

    /** @return how many drifts were detected since construction */
    public long detections() {
        return detections;
    }

    /** @return the number of buckets now stored */
    public int buckets() {
        int b = 0;
        for (int r = 0; r < rows; r++) {
            b += counts[r];
        }
        return b;
    }

    @Override
    public Adwin fresh() {
        return new Adwin(delta, clock, maxBuckets, minWindowLength, gracePeriod);
    }

    @Override
    public long seen() {
        return seen;
    }

    private long[] hyperLongs() {
        return new long[] {clock, maxBuckets, minWindowLength, gracePeriod};
    }

    @Override
    public DetectorState snapshot() {
        int b = buckets();
        long[] l = new long[4 + 5 + rows];
        System.arraycopy(hyperLongs(), 0, l, 0, 4);
        l[4] = tick;
        l[5] = seen;
        l[6] = detections;
        l[7] = drift ? 1 : 0;
        l[8] = rows;
        double[] d = new double[4 + 2 * b];
        d[0] = delta;
        d[1] = width;
        d[2] = total;
        d[3] = variance;
        int j = 4;
        for (int r = 0; r < rows; r++) {
            l[9 + r] = counts[r];
            for (int k = 0; k < counts[r]; k++) {
                d[j++] = totals[slot(r, k)];
                d[j++] = variances[slot(r, k)];
            }
        }
        return new DetectorState(NAME, l, d);
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, hyperLongs(), new double[] {delta});
        int savedRows = (int) state.longAt(8);
        if (savedRows < 0 || savedRows > ROWS || state.longCount() != 9 + savedRows) {
            throw new IllegalArgumentException("malformed Adwin state");
        }
        int b = 0;
        for (int r = 0; r < savedRows; r++) {
            long c = state.longAt(9 + r);
            if (c < 0 || c > maxBuckets) {
                throw new IllegalArgumentException("malformed Adwin state: row " + r + " has " + c + " buckets");
            }
            b += (int) c;
        }
        if (state.doubleCount() != 4 + 2 * b) {
            throw new IllegalArgumentException("malformed Adwin state");
        }
        Arrays.fill(counts, 0);
        Arrays.fill(starts, 0);
        tick = state.longAt(4);
        untilCheck = (int) (clock - Long.remainderUnsigned(tick, clock));
        seen = state.longAt(5);
        detections = state.longAt(6);
        drift = state.longAt(7) != 0;
        rows = savedRows;
        width = state.doubleAt(1);
        total = state.doubleAt(2);
        variance = state.doubleAt(3);
        int j = 4;
        for (int r = 0; r < rows; r++) {
            counts[r] = (int) state.longAt(9 + r);
            for (int k = 0; k < counts[r]; k++) {
                totals[r * rowLength + k] = state.doubleAt(j++);
                variances[r * rowLength + k] = state.doubleAt(j++);
            }
        }
    }

    @Override
    public String toString() {
        return "Adwin[delta=" + delta + ", clock=" + clock + ", maxBuckets=" + maxBuckets + ", minWindowLength="
                + minWindowLength + ", gracePeriod=" + gracePeriod + ", width=" + width() + "]";
    }
}
