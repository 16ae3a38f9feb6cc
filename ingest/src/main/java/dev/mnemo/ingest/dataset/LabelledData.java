package dev.mnemo.ingest.dataset;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled dataset held in memory: one feature vector and one class label per sample.
 *
 * <p>Features are scaled to [0, 1] by the loaders (pixels divided by 255, the 8x8 digits divided
 * by 16). Every row has the same length, {@link #dimension()}, and when {@code shape} is not
 * empty the product of its dimensions equals that length (row-major order). Labels are class
 * indices in [0, {@code classes}).
 *
 * <p>The arrays are not copied, so that the 60,000 x 784 training set of an image dataset is held
 * once: treat them as read-only. {@link #subset(int[])} shares the rows it selects. As for any
 * record with array components, {@code equals} compares the arrays by identity.
 *
 * <pre>{@code
 * LabelledData train = Datasets.fashionMnist().train();
 * train.size();                          // 60000
 * train.dimension();                     // 784
 * LabelledData first = train.subset(new int[] {0, 1, 2});
 * first.labels();                        // [9, 0, 0]
 * }</pre>
 *
 * @param name     dataset and split, for example {@code fashion-mnist-train}; producers use it as
 *                 the prefix of sample ids
 * @param features one row per sample, each of length {@link #dimension()}
 * @param labels   one class index per sample
 * @param classes  number of classes, at least 1
 * @param shape    tensor shape of one row (for example {@code [28, 28]}), or empty for a plain
 *                 vector
 */
public record LabelledData(String name, float[][] features, int[] labels, int classes, int[] shape) {

    /**
     * Checks the invariants.
     *
     * @throws IllegalArgumentException when the name is blank, the counts differ, a row has another
     *                                  length, a label is outside [0, classes), or the shape does
     *                                  not match the row length
     */
    public LabelledData {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(shape, "shape");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (features.length != labels.length) {
            throw new IllegalArgumentException("features has " + features.length + " rows but labels has "
                    + labels.length + " entries; they must be equal");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        int dimension = features.length == 0 ? -1 : features[0].length;
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null || features[i].length != dimension) {
                throw new IllegalArgumentException("row " + i + " has " + (features[i] == null ? "no" : features[i].length)
                        + " values, expected " + dimension + " like row 0");
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label of row " + i + " is " + labels[i] + ", outside [0, " + classes + ")");
            }
        }
        if (shape.length > 0) {
            long product = 1;
            for (int d : shape) {
                if (d < 1) {
                    throw new IllegalArgumentException("shape dimensions must be >= 1, got " + Arrays.toString(shape));
                }
                product *= d;
            }
            if (dimension >= 0 && product != dimension) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + product
                        + " cells but rows have " + dimension + " values");
            }
        }
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }

    /** Length of each feature vector; when the set is empty, the product of the shape (or 0). */
    public int dimension() {
        if (features.length > 0) {
            return features[0].length;
        }
        int product = shape.length == 0 ? 0 : 1;
        for (int d : shape) {
            product *= d;
        }
        return product;
    }

    /** The feature vector of sample {@code index} (shared, not copied). */
    public float[] feature(int index) {
        return features[index];
    }

    /** The label of sample {@code index}. */
    public int label(int index) {
        return labels[index];
    }

    /** How many samples each class has; entry c counts label c. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * The samples at the given positions, in that order; the name, classes and shape are kept.
     *
     * @param indices positions in [0, size()); repeats are allowed
     * @throws IllegalArgumentException when an index is out of range
     */
    public LabelledData subset(int[] indices) {
        return subset(indices, name);
    }

    /** Like {@link #subset(int[])}, under another name (for example {@code digits-train}). */
    public LabelledData subset(int[] indices, String newName) {
        Objects.requireNonNull(indices, "indices");
        float[][] rows = new float[indices.length][];
        int[] picked = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) {
                throw new IllegalArgumentException("index " + i + " at position " + k + " is outside [0, " + size() + ")");
            }
            rows[k] = features[i];
            picked[k] = labels[i];
        }
        return new LabelledData(newName, rows, picked, classes, shape);
    }

    @Override
    public String toString() {
        return "LabelledData[name=" + name + ", size=" + size() + ", dimension=" + dimension() + ", classes="
                + classes + ", shape=" + Arrays.toString(shape) + "]";
    }
}
