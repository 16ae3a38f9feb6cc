package dev.mnemo.learner.bench.cl;

/**
 * A labelled image data set with its standard train/test split, features in {@code [0, 1]}
 * (MNIST or Fashion-MNIST: 784 features, 10 classes), row-major square images. The arrays are
 * shared, not copied.
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

    /**
     * The same images with {@code border} pixels of zeros on every side: 28x28 MNIST with border 2
     * becomes 32x32, 1024 features, as van de Ven and Tolias (2019) feed Permuted-MNIST. The
     * labels are shared; the features are new arrays.
     *
     * @throws IllegalArgumentException if {@code border} is negative or the features are not a square image
     */
    public ClSourceData padded(int border) {
        if (border < 0) {
            throw new IllegalArgumentException("padding must be >= 0 pixels, got " + border);
        }
        if (border == 0) {
            return this;
        }
        int side = (int) Math.round(Math.sqrt(inputs()));
        if (side * side != inputs()) {
            throw new IllegalArgumentException("padding needs square images, got " + inputs() + " features");
        }
        return new ClSourceData(name, pad(trainFeatures, side, border), trainLabels, pad(testFeatures, side, border),
                testLabels);
    }

    private static float[][] pad(float[][] images, int side, int border) {
        int out = side + 2 * border;
        float[][] padded = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            float[] p = new float[out * out];
            for (int row = 0; row < side; row++) {
                System.arraycopy(images[i], row * side, p, (row + border) * out + border, side);
            }
            padded[i] = p;
        }
        return padded;
    }
}
