package dev.mnemo.learner.drift.bench;

import dev.mnemo.learner.drift.SplitMix64;
import dev.mnemo.learner.drift.streams.DriftStream;
import dev.mnemo.learner.drift.streams.Sample;

/**
 * A stream with several drifts at known positions, spliced from single-concept generator streams:
 * concept {@code c_0}, then a drift to {@code c_1} at {@code period}, to {@code c_2} at
 * {@code 2 * period}, and so on.
 *
 * <h2>Method</h2>
 * Every concept in the sequence has its own generator, a {@link DriftStream} that stays on that one
 * concept (built by a {@link ConceptSource} from a seed derived from the stream's seed and the
 * concept's position in the sequence). Sample {@code t} is drawn from the generator of the concept
 * in force at {@code t}. Drift {@code k} (from 1) is at {@code k * period}. With a width of 0 the
 * drift is abrupt; with a width {@code w > 0}, for {@code t} within {@code period / 2} of the drift,
 * the new concept is chosen with probability {@code 1 / (1 + exp(-4 (t - k * period) / w))}, the
 * sigmoid of {@link DriftStream}. The stream has {@code drifts} drifts and ends {@code period}
 * samples after the last one.
 *
 * <p><b>Mutable and not thread-safe.</b>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * RecurringDriftStream s = new RecurringDriftStream(
 *         (seed, c) -> Stagger.abrupt(seed, c, c, 0), new int[] {0, 1, 2, 0}, 5_000, 0, 42);
 * s.driftPoints();   // [5000, 10000, 15000]
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>A. Bifet, G. Holmes, B. Pfahringer, R. Kirkby and R. Gavalda, "New ensemble methods for
 *       evolving data streams", Proceedings of the 15th ACM SIGKDD International Conference on
 *       Knowledge Discovery and Data Mining, 139-148, 2009 (drifts of a given width).</li>
 * </ul>
 */
public final class RecurringDriftStream {

    /** Builds a generator that stays on one concept. */
    @FunctionalInterface
    public interface ConceptSource {
        /**
         * @param seed the generator's seed
         * @param concept the concept
         * @return a stream that draws every sample from {@code concept}
         */
        DriftStream pure(long seed, int concept);
    }

    private final DriftStream[] generators;
    private final long period;
    private final long width;
    private final SplitMix64 choice;
    private final long length;
    private long position;

    /**
     * @param source builds one generator per concept
     * @param concepts the concept sequence, at least two
     * @param period samples between drifts, at least 2
     * @param width 0 for abrupt drifts, else the width of each gradual drift, in [0, period]
     * @param seed the seed of the whole stream
     * @throws IllegalArgumentException if a value is outside its range
     */
    public RecurringDriftStream(ConceptSource source, int[] concepts, long period, long width, long seed) {
        if (concepts.length < 2) {
            throw new IllegalArgumentException("concepts must hold at least 2 entries, got " + concepts.length);
        }
        if (period < 2) {
            throw new IllegalArgumentException("period must be >= 2, got " + period);
        }
        if (width < 0 || width > period) {
            throw new IllegalArgumentException("width must be in [0, period = " + period + "], got " + width);
        }
        this.generators = new DriftStream[concepts.length];
        SplitMix64 seeds = new SplitMix64(seed);
        for (int k = 0; k < concepts.length; k++) {
            generators[k] = source.pure(seeds.nextLong(), concepts[k]);
        }
        this.period = period;
        this.width = width;
        this.choice = new SplitMix64(~seed);
        this.length = period * concepts.length;
    }

    /** @return the next sample */
    public Sample next() {
        long t = position++;
        int k = (int) Math.min(generators.length - 1, (t + period / 2) / period); // nearest drift
        int segment;
        if (k == 0) {
            segment = 0;
        } else if (width == 0) {
            segment = t >= k * period ? k : k - 1;
        } else {
            double p = 1.0 / (1.0 + Math.exp(-4.0 * (t - k * period) / (double) width));
            segment = choice.nextDouble() < p ? k : k - 1;
        }
        return generators[segment].next();
    }

    /** @return the indices of the drifts (their centres when gradual) */
    public long[] driftPoints() {
        long[] d = new long[generators.length - 1];
        for (int k = 1; k < generators.length; k++) {
            d[k - 1] = k * period;
        }
        return d;
    }

    /** @return the number of samples the stream is meant to run for */
    public long length() {
        return length;
    }

    /** @return 0 for abrupt drifts, else their width */
    public long width() {
        return width;
    }
}
