package dev.mnemo.learner.eval;

import java.util.Arrays;

/**
 * Prequential (test-then-train) accuracy of a stream learner, over the whole stream and over a
 * sliding window of the most recent labelled samples.
 *
 * <p>For each labelled sample the learner first predicts, then reports whether the prediction was
 * right with {@link #update(boolean)}, then trains. After {@code n} updates with {@code c} correct,
 * {@link #accuracy()} is {@code c / n}. {@link #windowAccuracy()} is the same ratio over the last
 * {@code W} updates only (or fewer, until {@code W} have arrived), which tracks the current
 * performance of a learner whose accuracy changes over time; Gama et al. show that the cumulative
 * prequential estimate is pessimistic and slow to forget, and that a sliding window converges to
 * the holdout estimate.
 *
 * <p>The window is a ring buffer of {@code W} bits with a running count of the correct ones, so
 * every update costs O(1) time and the whole accumulator takes about {@code W / 8} bytes.
 *
 * <p><b>Mutable and not thread-safe.</b> Read it from another thread through {@link #snapshot()},
 * taken by the updating thread.
 *
 * <h2>Empty state</h2>
 * {@link #accuracy()} is {@code NaN} before the first update, and so is {@link #windowAccuracy()};
 * a missing estimate is not 0% accuracy.
 *
 * <pre>{@code
 * PrequentialAccuracy acc = new PrequentialAccuracy(3);
 * acc.update(true);  acc.update(true);  acc.update(false);  acc.update(false);
 * acc.accuracy();        // 0.5       (2 of 4)
 * acc.windowAccuracy();  // 0.333...  (1 of the last 3)
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 317-346, 2013.</li>
 * </ul>
 */
public final class PrequentialAccuracy {

    /** Window size used by {@link #create()}. */
    public static final int DEFAULT_WINDOW = 1000;

    private final int window;
    private final long[] bits;
    private long count;
    private long correct;
    private int windowCount;
    private int windowCorrect;
    private int next;

    /**
     * An empty accumulator with a sliding window of the last {@code window} samples.
     *
     * @param window window size, at least 1
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public PrequentialAccuracy(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        this.window = window;
        this.bits = new long[(window + 63) >>> 6];
    }

    /** An empty accumulator with the default window of {@value #DEFAULT_WINDOW} samples. */
    public static PrequentialAccuracy create() {
        return new PrequentialAccuracy(DEFAULT_WINDOW);
    }

    /** Records the outcome of one test-then-train prediction. O(1). */
    public void update(boolean isCorrect) {
        count++;
        if (isCorrect) {
            correct++;
        }
        int word = next >>> 6;
        long mask = 1L << (next & 63);
        if (windowCount == window) {
            if ((bits[word] & mask) != 0) {
                windowCorrect--;
            }
        } else {
            windowCount++;
        }
        if (isCorrect) {
            bits[word] |= mask;
            windowCorrect++;
        } else {
            bits[word] &= ~mask;
        }
        next = next + 1 == window ? 0 : next + 1;
    }

    /** Forgets every update; the window size stays. */
    public void reset() {
        Arrays.fill(bits, 0L);
        count = 0;
        correct = 0;
        windowCount = 0;
        windowCorrect = 0;
        next = 0;
    }

    /** The window size {@code W}. */
    public int window() {
        return window;
    }

    /** Number of updates since creation or the last {@link #reset()}. */
    public long count() {
        return count;
    }

    /** Number of correct updates since creation or the last {@link #reset()}. */
    public long correct() {
        return correct;
    }

    /** {@code correct() / count()}, or {@code NaN} when there has been no update. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Number of updates in the window: {@code min(count(), window())}. */
    public int windowCount() {
        return windowCount;
    }

    /** Number of correct updates in the window. */
    public int windowCorrect() {
        return windowCorrect;
    }

    /** Accuracy over the last {@link #windowCount()} updates, or {@code NaN} when there is none. */
    public double windowAccuracy() {
        return windowCount == 0 ? Double.NaN : (double) windowCorrect / windowCount;
    }

    /** An immutable copy of the current values. */
    public Snapshot snapshot() {
        return new Snapshot(
                window, count, correct, accuracy(), windowCount, windowCorrect, windowAccuracy());
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }

    /**
     * The values of a {@link PrequentialAccuracy} at one moment. The two accuracies are components
     * (not only derived methods) so that they appear when the record is serialised.
     *
     * @param window the window size {@code W}
     * @param count updates in total
     * @param correct correct updates in total
     * @param accuracy {@code correct / count}, {@code NaN} when {@code count == 0}
     * @param windowCount updates in the window, {@code min(count, window)}
     * @param windowCorrect correct updates in the window
     * @param windowAccuracy {@code windowCorrect / windowCount}, {@code NaN} when
     *     {@code windowCount == 0}
     */
    public record Snapshot(
            int window,
            long count,
            long correct,
            double accuracy,
            int windowCount,
            int windowCorrect,
            double windowAccuracy) {}
}
