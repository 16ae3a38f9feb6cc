package dev.mnemo.learner.strategy;

import java.util.Arrays;

/**
 * Samples that cross the training loop: features, labels ({@code -1} for an unlabelled sample)
 * and the task each sample belongs to ({@code 0} when the stream has no task tags).
 *
 * <p>The arrays are shared, not copied, like every record holding arrays: neither the loop nor a
 * strategy writes into a batch it receives; {@link #concat} builds a new one.
 *
 * <pre>{@code
 * Batch stream = Batch.labelled(x, y, task);
 * Batch both = stream.concat(Batch.unlabelled(u, task));
 * }</pre>
 *
 * @param features {@code [n][inputs]}
 * @param labels {@code [n]}, a class index or {@link #UNLABELLED}
 * @param tasks {@code [n]}, each at least 0
 */
public record Batch(float[][] features, int[] labels, int[] tasks) {

    /** The label of a sample without one. */
    public static final int UNLABELLED = -1;

    /** Checks that the arrays are present, of equal length, and the labels and tasks in range. */
    public Batch {
        if (features == null || labels == null || tasks == null) {
            throw new IllegalArgumentException("features, labels and tasks must be non-null");
        }
        if (features.length != labels.length || labels.length != tasks.length) {
            throw new IllegalArgumentException(
                    "features, labels and tasks must have the same length, got " + features.length + ", "
                            + labels.length + ", " + tasks.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < UNLABELLED) {
                throw new IllegalArgumentException(
                        "labels[" + i + "] = " + labels[i] + "; labels must be >= 0, or -1 for unlabelled");
            }
            if (tasks[i] < 0) {
                throw new IllegalArgumentException("tasks[" + i + "] = " + tasks[i] + "; tasks must be >= 0");
            }
        }
    }

    /** Labelled samples, all from {@code task}. */
    public static Batch labelled(float[][] features, int[] labels, int task) {
        return new Batch(features, labels, filled(labels == null ? 0 : labels.length, task));
    }

    /** Unlabelled samples, all from {@code task}. */
    public static Batch unlabelled(float[][] features, int task) {
        int n = features == null ? 0 : features.length;
        return new Batch(features, filled(n, UNLABELLED), filled(n, task));
    }

    /** A batch with no samples. */
    public static Batch empty() {
        return new Batch(new float[0][], new int[0], new int[0]);
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }

    /** Number of labelled samples. */
    public int labelledCount() {
        int count = 0;
        for (int label : labels) {
            if (label != UNLABELLED) {
                count++;
            }
        }
        return count;
    }

    /** This batch's samples followed by {@code other}'s, in a new batch. */
    public Batch concat(Batch other) {
        if (other.size() == 0) {
            return this;
        }
        if (size() == 0) {
            return other;
        }
        float[][] x = Arrays.copyOf(features, size() + other.size());
        System.arraycopy(other.features, 0, x, size(), other.size());
        int[] y = Arrays.copyOf(labels, size() + other.size());
        System.arraycopy(other.labels, 0, y, size(), other.size());
        int[] t = Arrays.copyOf(tasks, size() + other.size());
        System.arraycopy(other.tasks, 0, t, size(), other.size());
        return new Batch(x, y, t);
    }

    private static int[] filled(int n, int value) {
        int[] out = new int[n];
        Arrays.fill(out, value);
        return out;
    }
}
