package dev.mnemo.learner.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Joint training, the offline upper bound of continual learning: nothing is ever forgotten
 * because every labelled sample seen is kept and rehearsed.
 *
 * <h2>Method</h2>
 * Each step appends {@code replaySize} samples drawn uniformly, without replacement, from all
 * labelled samples seen before it (an unbounded memory), then keeps the step's labelled stream
 * samples. With enough steps this trains on the union of all tasks, as an i.i.d. learner would.
 * Memory grows with the stream: use it for evaluation, not in production. {@link #seen()} gives
 * the whole memory, for offline epochs.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019.</li>
 * </ul>
 */
public final class JointTraining implements ContinualStrategy {

    /** The {@link #id()}. */
    public static final String ID = "joint";

    private final int replaySize;
    private final SplittableRandom random;
    private final List<float[]> features = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<Integer> tasks = new ArrayList<>();

    /**
     * @param replaySize samples from the memory per step, at least 1
     * @param seed seed of the draws
     * @throws IllegalArgumentException if {@code replaySize < 1}
     */
    public JointTraining(int replaySize, long seed) {
        if (replaySize < 1) {
            throw new IllegalArgumentException("replaySize must be >= 1, got " + replaySize);
        }
        this.replaySize = replaySize;
        this.random = new SplittableRandom(seed);
    }

    /** {@value #ID}. */
    @Override
    public String id() {
        return ID;
    }

    /**
     * Never: the memory is unbounded and meant for offline evaluation, not for a service that
     * checkpoints.
     *
     * @throws IllegalStateException always
     */
    @Override
    public StrategyState state() {
        throw new IllegalStateException("joint training keeps every sample (an unbounded memory) and cannot be"
                + " checkpointed; it is for offline evaluation");
    }

    /** Number of samples kept. */
    public int size() {
        return labels.size();
    }

    /** Every labelled sample seen so far, in arrival order (feature rows are shared, not copied). */
    public Batch seen() {
        int n = size();
        float[][] x = features.toArray(new float[0][]);
        int[] y = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.get(i);
            t[i] = tasks.get(i);
        }
        return new Batch(x, y, t);
    }

    @Override
    public Batch compose(Batch batch) {
        int n = size();
        int k = Math.min(replaySize, n);
        if (k == 0) {
            return batch;
        }
        // Partial Fisher-Yates over indices: k distinct draws.
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        float[][] x = new float[k][];
        int[] y = new int[k];
        int[] t = new int[k];
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = index[i];
            index[i] = index[j];
            index[j] = tmp;
            x[i] = features.get(index[i]);
            y[i] = labels.get(index[i]);
            t[i] = tasks.get(index[i]);
        }
        return batch.concat(new Batch(x, y, t));
    }

    @Override
    public void afterStep(Batch stream, Batch trained, StepResult result) {
        for (int i = 0; i < stream.size(); i++) {
            if (stream.labels()[i] != Batch.UNLABELLED) {
                features.add(stream.features()[i].clone());
                labels.add(stream.labels()[i]);
                tasks.add(stream.tasks()[i]);
            }
        }
    }

    @Override
    public String toString() {
        return "JointTraining[replaySize=" + replaySize + ", seen=" + size() + "]";
    }
}
