package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;

/**
 * Per-task quota: the capacity is shared equally among the tasks seen so far, and each task keeps a
 * uniform sample of its own stream, so an old task keeps {@code M / k} samples however long the newer
 * tasks run.
 *
 * <p>While the buffer is not full every sample is kept. Once full, a sample of task t replaces a
 * uniformly random sample of a largest task when t is not itself among the largest; otherwise it
 * replaces a uniformly random stored sample of t with probability {@code m_t / n_t} (reservoir
 * sampling within the task). When task k + 1 starts, the k older tasks give up slots one at a time,
 * always from the largest, until each holds {@code M / (k + 1)}.
 *
 * <p>Example:
 * <pre>{@code
 * TaskQuotaBuffer buffer = new TaskQuotaBuffer(SampleFormat.float16(512), 2_000, 42L);
 * buffer.add(embedding, label, task);
 * buffer.stats().countPerTask();    // {0=1000, 1=1000} after two long tasks
 * }</pre>
 *
 * <p>References:
 * <ul>
 *   <li>A. Chaudhry, M. Rohrbach, M. Elhoseiny, T. Ajanthan, P. K. Dokania, P. H. S. Torr, M. Ranzato,
 *       "On Tiny Episodic Memories in Continual Learning", arXiv:1902.10486, 2019.
 *   <li>J. S. Vitter, "Random Sampling with a Reservoir", ACM Transactions on Mathematical Software
 *       11(1):37-57, 1985.
 * </ul>
 */
public final class TaskQuotaBuffer extends GroupBalancedBuffer {

    static final String POLICY = "task-quota";

    /**
     * @param format   features per sample and their encoding
     * @param capacity the most samples kept, at least 1
     * @param seed     seed of the buffer's own generator
     * @throws IllegalArgumentException when the capacity is below 1 or the storage would be too large
     */
    public TaskQuotaBuffer(SampleFormat format, int capacity, long seed) {
        super(format, capacity, seed);
    }

    @Override
    String policyName() {
        return POLICY;
    }

    @Override
    int groupOf(int label, int task) {
        return task;
    }
}
