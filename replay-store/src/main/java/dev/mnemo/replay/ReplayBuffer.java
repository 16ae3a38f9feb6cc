package dev.mnemo.replay;

import java.util.random.RandomGenerator;

/**
 * A bounded memory of past samples that a continual learner rehearses from (experience replay).
 *
 * <p>A {@link #add offered} sample is stored or not according to the buffer's policy (reservoir,
 * class-balanced, per-task quota), which also chooses what to evict. {@link #sample} draws a
 * batch to concatenate with the stream batch at each training step.
 *
 * <p>Implementations are mutable and not thread-safe unless they say otherwise.
 *
 * <p>References: A. Chaudhry, M. Rohrbach, M. Elhoseiny, T. Ajanthan, P. K. Dokania, P. H. S. Torr,
 * M. Ranzato, "On Tiny Episodic Memories in Continual Learning", arXiv:1902.10486, 2019.
 */
public interface ReplayBuffer {

    /**
     * Offers one sample to the buffer.
     *
     * @param features the input values; the buffer keeps its own copy (possibly quantised)
     * @param label    class index, at least 0
     * @param task     task index, at least 0 (0 when the stream has no task tags)
     * @return true when the sample was stored
     * @throws IllegalArgumentException when the features have the wrong length or a value is out of range
     */
    boolean add(float[] features, int label, int task);

    /** Number of samples stored. */
    int size();

    /** The most samples the buffer holds. */
    int capacity();

    /**
     * Draws up to {@code n} stored samples uniformly without replacement.
     *
     * @param n   batch size, at least 0; fewer are returned when the buffer holds fewer
     * @param rng source of randomness, so draws are reproducible
     */
    ReplayBatch sample(int n, RandomGenerator rng);
}
