package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;

/**
 * Reservoir sampling: after n offers, every offered sample is in the buffer with the same
 * probability {@code min(1, M / n)}, whatever the order of the stream.
 *
 * <p>The rule, with {@code n} the number of samples seen before the current one (0-based) and
 * {@code M} the capacity: while {@code n < M} the sample goes to slot {@code n}; afterwards
 * {@code j} is drawn uniformly from {@code {0, ..., n}} and the sample replaces slot {@code j} when
 * {@code j < M}, else it is dropped (Vitter's Algorithm R, as used for replay by Chaudhry et al.).
 * After a {@link #resize resize} that grows the buffer, free slots are filled first and the rule
 * resumes once the buffer is full.
 *
 * <p>Example:
 * <pre>{@code
 * ReservoirBuffer buffer = new ReservoirBuffer(SampleFormat.uint8(784), 10_000, 42L);
 * buffer.add(pixels, label, task);                          // true while not full
 * ReplayBatch replay = buffer.sample(128, new SplittableRandom(7));
 * }</pre>
 *
 * <p>References:
 * <ul>
 *   <li>J. S. Vitter, "Random Sampling with a Reservoir", ACM Transactions on Mathematical Software
 *       11(1):37-57, 1985.
 *   <li>A. Chaudhry, M. Rohrbach, M. Elhoseiny, T. Ajanthan, P. K. Dokania, P. H. S. Torr, M. Ranzato,
 *       "On Tiny Episodic Memories in Continual Learning", arXiv:1902.10486, 2019.
 * </ul>
 */
public final class ReservoirBuffer extends CompactReplayBuffer {

    static final String POLICY = "reservoir";

    /**
     * @param format   features per sample and their encoding
     * @param capacity the most samples kept, at least 1
     * @param seed     seed of the buffer's own generator
     * @throws IllegalArgumentException when the capacity is below 1 or the storage would be too large
     */
    public ReservoirBuffer(SampleFormat format, int capacity, long seed) {
        super(format, capacity, seed);
    }

    @Override
    String policyName() {
        return POLICY;
    }

    @Override
    int chooseSlot(int label, int task) {
        if (size() < capacity()) {
            return size();
        }
        long j = random().nextLong(seen() + 1);
        return j < capacity() ? (int) j : -1;
    }
}
