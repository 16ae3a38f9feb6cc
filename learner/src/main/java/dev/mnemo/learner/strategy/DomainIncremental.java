package dev.mnemo.learner.strategy;

import java.util.SplittableRandom;

/**
 * Domain-incremental scenario: every task has the same classes, and a new input distribution made
 * by a fixed, seeded permutation of the input features (permuted MNIST). Task 0 is the identity;
 * task {@code t > 0} uses a Fisher-Yates shuffle seeded by {@code seed} and {@code t}, so the
 * permutation of a task never depends on which other tasks were asked for.
 *
 * <pre>{@code
 * DomainIncremental domains = new DomainIncremental(784, 42L);
 * float[][] task3 = domains.apply(x, 3);              // same labels, permuted pixels
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>I. J. Goodfellow, M. Mirza, D. Xiao, A. Courville and Y. Bengio, "An Empirical
 *       Investigation of Catastrophic Forgetting in Gradient-Based Neural Networks",
 *       arXiv:1312.6211, 2013 (permuted MNIST).</li>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019.</li>
 * </ul>
 */
public final class DomainIncremental implements Scenario {

    private final int inputs;
    private final long seed;

    /**
     * @param inputs number of input features, at least 1
     * @param seed seed of the permutations
     */
    public DomainIncremental(int inputs, long seed) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
        }
        this.inputs = inputs;
        this.seed = seed;
    }

    /** The permutation of task {@code task}: output feature {@code j} is input feature {@code p[j]}. */
    public int[] permutation(int task) {
        if (task < 0) {
            throw new IllegalArgumentException("task must be >= 0, got " + task);
        }
        int[] p = new int[inputs];
        for (int j = 0; j < inputs; j++) {
            p[j] = j;
        }
        if (task == 0) {
            return p;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * task));
        for (int j = inputs - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            int tmp = p[j];
            p[j] = p[k];
            p[k] = tmp;
        }
        return p;
    }

    /**
     * The samples as task {@code task} presents them, in new arrays.
     *
     * @throws IllegalArgumentException if a row does not have {@code inputs} features
     */
    public float[][] apply(float[][] features, int task) {
        int[] p = permutation(task);
        float[][] out = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            float[] row = features[i];
            if (row.length != inputs) {
                throw new IllegalArgumentException(
                        "features[" + i + "] has " + row.length + " values, expected " + inputs);
            }
            float[] permuted = new float[inputs];
            for (int j = 0; j < inputs; j++) {
                permuted[j] = row[p[j]];
            }
            out[i] = permuted;
        }
        return out;
    }

    /** Every sample may be any class. */
    @Override
    public float[][] classMask(int[] tasks, int classes) {
        return null;
    }

    @Override
    public String toString() {
        return "DomainIncremental[inputs=" + inputs + ", seed=" + seed + "]";
    }
}
