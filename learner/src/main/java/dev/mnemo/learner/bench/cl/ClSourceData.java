package dev.mnemo.learner.bench.cl;

/**
 * A labelled image data set with its standard train/test split, features in {@code [0, 1]}
 * (MNIST or Fashion-MNIST: 784 features, 10 classes). The arrays are shared, not copied.
 *
 * @param name          the data set's name, for reports
 * @param trainFeatures {@code [n][784]}
 * @param trainLabels   {@code [n]}, classes 0..9
 * @param testFeatures  {@code [m][784]}
 * @param testLabels    {@code [m]}
 */
public record ClSourceData(String name, float[][] trainFeatures, int[] trainLabels, float[][] testFeatures,
                           int[] testLabels) {

    /** Checks that the arrays are present and of matching lengths and widths. */
    public ClSourceData {
        if (trainFeatures == null || trainLabels == null || testFeatures == null || testLabels == null) {
            throw new IllegalArgumentException("features and labels must be non-null");
        }
        if (trainFeatures.length != trainLabels.length || testFeatures.length != testLabels.length) {
            throw new IllegalArgumentException("features and labels must have the same length, got train "
                    + trainFeatures.length + "/" + trainLabels.length + ", test " + testFeatures.length + "/"
                    + testLabels.length);
        }
        if (trainFeatures.length == 0 || testFeatures.length == 0) {
            throw new IllegalArgumentException("train and test sets must be non-empty");
        }
    }

    /** Number of input features. */
    public int inputs() {
        return trainFeatures[0].length;
    }
}
