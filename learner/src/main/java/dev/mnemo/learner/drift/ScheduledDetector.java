package dev.mnemo.learner.drift;

/**
 * A baseline that ignores its input and signals a drift every {@code period} updates: the
 * {@code period}-th, the {@code 2 * period}-th, and so on (zero-based indices {@code period - 1},
 * {@code 2 * period - 1}, ...).
 *
 * <h2>Method</h2>
 * None: it is the yardstick that a real detector must beat. A real detector is useful on a stream
 * only if it detects a drift sooner than this schedule, or raises fewer false alarms, or both;
 * retraining on a fixed schedule is what a system does without any detector.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code period} &gt;= 1.</li>
 * </ul>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * ScheduledDetector every = ScheduledDetector.every(300);
 * for (int i = 0; i < 1000; i++) {
 *     every.update(0.0);
 *     if (every.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * // change detected at index 299
 * // change detected at index 599
 * // change detected at index 899
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Gama, I. Zliobaite, A. Bifet, M. Pechenizkiy and A. Bouchachia, "A survey on concept
 *       drift adaptation", ACM Computing Surveys 46(4), article 44, 2014 (blind adaptation at a
 *       fixed period, the baseline for informed detectors).</li>
 * </ul>
 */
public final class ScheduledDetector implements DriftDetector {

    private static final String NAME = "ScheduledDetector";

    private final long period;
    private long seen;
    private boolean drift;

    /**
     * @param period updates between two signals, at least 1
     * @return a detector that fires every {@code period} updates
     * @throws IllegalArgumentException if {@code period < 1}
     */
    public static ScheduledDetector every(long period) {
        return new ScheduledDetector(period);
    }

    private ScheduledDetector(long period) {
        if (period < 1) {
            throw new IllegalArgumentException("period must be >= 1, got " + period);
        }
        this.period = period;
    }

    @Override
    public void update(double x) {
        Inputs.requireFinite(x);
        seen++;
        drift = seen % period == 0;
    }

    @Override
    public boolean driftDetected() {
        return drift;
    }

    /** @return the period */
    public long period() {
        return period;
    }

    @Override
    public ScheduledDetector fresh() {
        return new ScheduledDetector(period);
    }

    @Override
    public long seen() {
        return seen;
    }

    @Override
    public DetectorState snapshot() {
        return new DetectorState(NAME, new long[] {period, seen, drift ? 1 : 0}, new double[0]);
    }

    @Override
    public void restore(DetectorState state) {
        state.requireCompatible(NAME, new long[] {period}, new double[0]);
        if (state.longCount() != 3 || state.doubleCount() != 0) {
            throw new IllegalArgumentException("malformed ScheduledDetector state");
        }
        seen = state.longAt(1);
        drift = state.longAt(2) != 0;
    }

    @Override
    public String toString() {
        return "ScheduledDetector[period=" + period + "]";
    }
}
