package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;

/**
 * Class-balanced reservoir: an equal quota per seen class, evicting from the largest class, so rare
 * classes are not crowded out of the memory by frequent ones.
 *
 * <p>While the buffer is not full every sample is kept. Once full, a sample of class y replaces a
 * uniformly random sample of a largest class when y is not itself among the largest (ties between
 * largest classes broken uniformly); when y is among the largest, it replaces a uniformly random
 * stored sample of y with probability {@code m_y / n_y} ({@code m_y} stored, {@code n_y} seen,
 * this one included), that is, reservoir sampling within the class. With k classes seen, the classes
 * converge to {@code M / k} samples each, and each class's samples are a uniform sample of that class.
 *
 * <p>Example:
 * <pre>{@code
 * ClassBalancedBuffer buffer = new ClassBalancedBuffer(SampleFormat.uint8(784), 5_000, 42L);
 * for (Example e : stream) buffer.add(e.pixels(), e.label(), e.task());
 * buffer.stats().countPerClass();   // {0=500, 1=500, ..., 9=500} once balanced
 * }</pre>
 *
 * <p>References:
 * <ul>
 *   <li>A. Chaudhry, M. Rohrbach, M. Elhoseiny, T. Ajanthan, P. K. Dokania, P. H. S. Torr, M. Ranzato,
 *       "On Tiny Episodic Memories in Continual Learning", arXiv:1902.10486, 2019.
 *   <li>A. Chrysakis, M.-F. Moens, "Online Continual Learning from Imbalanced Data", ICML 2020,
 *       PMLR 119 (class-balancing reservoir sampling).
 *   <li>J. S. Vitter, "Random Sampling with a Reservoir", ACM Transactions on Mathematical Software
 *       11(1):37-57, 1985.
 * </ul>
 */
public final class ClassBalancedBuffer extends GroupBalancedBuffer {

    static final String POLICY = "class-balanced";

    /**
     * @param format   features per sample and their encoding
     * @param capacity the most samples kept, at least 1
     * @param seed     seed of the buffer's own generator
     * @throws IllegalArgumentException when the capacity is below 1 or the storage would be too large
     */
    public ClassBalancedBuffer(SampleFormat format, int capacity, long seed) {
        super(format, capacity, seed);
    }

    @Override
    String policyName() {
        return POLICY;
    }

    @Override
    int groupOf(int label, int task) {
        return label;
    }
}
