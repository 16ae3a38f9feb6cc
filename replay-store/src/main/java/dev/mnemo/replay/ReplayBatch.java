package dev.mnemo.replay;

/**
 * Samples drawn from a {@link ReplayBuffer}: row i is {@code features[i]} with class
 * {@code labels[i]} from task {@code tasks[i]}. The arrays are owned by the caller.
 */
public record ReplayBatch(float[][] features, int[] labels, int[] tasks) {

    public ReplayBatch {
        if (features.length != labels.length || labels.length != tasks.length) {
            throw new IllegalArgumentException("features, labels and tasks must have the same length, got "
                    + features.length + ", " + labels.length + ", " + tasks.length);
        }
    }

    /** A batch with no rows. */
    public static ReplayBatch empty() {
        return new ReplayBatch(new float[0][], new int[0], new int[0]);
    }

    public int size() {
        return labels.length;
    }
}
