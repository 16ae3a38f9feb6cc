package dev.mnemo.learner.eval;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;
import java.util.Arrays;

/**
 * Accuracy and confusion matrix of a classifier on a labelled set: the holdout evaluation used to
 * fill the accuracy matrix {@code R[i][j]} of a continual-learning run.
 *
 * <p>{@link #evaluate} runs {@link Classifier#predict(float[][])} over the set in batches (the
 * classifier is not trained and its version does not change) and counts, for every pair
 * (true class, predicted class), how many samples fell there. Accuracy is the trace of that matrix
 * over its total; the recall of class {@code c} is its diagonal entry over its row sum.
 *
 * <p>Immutable: accessors return copies.
 *
 * <pre>{@code
 * ClassificationMetrics m = ClassificationMetrics.evaluate(model, test.features(), test.labels(), 256);
 * m.accuracy();            // e.g. 0.9583
 * m.count(3, 5);           // how many 3s were predicted as 5
 * ClassificationMetrics.of(3, new int[] {0, 1, 2, 2}, new int[] {0, 2, 2, 2}).accuracy();  // 0.75
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>D. Lopez-Paz and M. Ranzato, "Gradient Episodic Memory for Continual Learning", NeurIPS
 *       2017.</li>
 *   <li>A. Chaudhry, P. K. Dokania, T. Ajanthan and P. H. S. Torr, "Riemannian Walk for
 *       Incremental Learning: Understanding Forgetting and Intransigence", ECCV 2018.</li>
 * </ul>
 */
public final class ClassificationMetrics {

    /** Batch size used by {@link #evaluate(Classifier, float[][], int[])}. */
    public static final int DEFAULT_BATCH = 256;

    private final long[][] confusion;
    private final long count;
    private final long correct;

    private ClassificationMetrics(long[][] confusion) {
        this.confusion = confusion;
        long total = 0;
        long diagonal = 0;
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                total += confusion[t][p];
            }
            diagonal += confusion[t][t];
        }
        this.count = total;
        this.correct = diagonal;
    }

    /** {@link #evaluate(Classifier, float[][], int[], int)} with batches of {@value #DEFAULT_BATCH}. */
    public static ClassificationMetrics evaluate(
            Classifier classifier, float[][] features, int[] labels) {
        return evaluate(classifier, features, labels, DEFAULT_BATCH);
    }

    /**
     * Predicts {@code features} in batches of {@code batchSize} and compares with {@code labels}.
     *
     * @param classifier the model to evaluate; only {@link Classifier#predict} is called
     * @param features {@code [samples][inputs]}; may be empty (then every accuracy is NaN)
     * @param labels true class per sample, each in {@code [0, classifier.spec().classes())}
     * @param batchSize samples per predict call, at least 1
     * @throws IllegalArgumentException if an argument is null, the lengths differ, a label is out of
     *     range, {@code batchSize < 1}, or {@link Classifier#predict} rejects a row
     */
    public static ClassificationMetrics evaluate(
            Classifier classifier, float[][] features, int[] labels, int batchSize) {
        if (classifier == null || features == null || labels == null) {
            throw new IllegalArgumentException("classifier, features and labels must be non-null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (features.length != labels.length) {
            throw new IllegalArgumentException(
                    "features has " + features.length + " rows but labels has " + labels.length
                            + " entries; they must be equal");
        }
        int classes = classifier.spec().classes();
        checkLabels("labels", labels, classes);
        long[][] confusion = new long[classes][classes];
        for (int from = 0; from < features.length; from += batchSize) {
            int to = Math.min(features.length, from + batchSize);
            Predictions predictions = classifier.predict(Arrays.copyOfRange(features, from, to));
            int[] predicted = predictions.predictedClass();
            for (int i = from; i < to; i++) {
                confusion[labels[i]][predicted[i - from]]++;
            }
        }
        return new ClassificationMetrics(confusion);
    }

    /**
     * Metrics from labels and predictions already computed.
     *
     * @throws IllegalArgumentException if {@code classes < 2}, an array is null, the lengths differ,
     *     or a value is outside {@code [0, classes)}
     */
    public static ClassificationMetrics of(int classes, int[] labels, int[] predicted) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (labels == null || predicted == null) {
            throw new IllegalArgumentException("labels and predicted must be non-null");
        }
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(
                    "labels has " + labels.length + " entries but predicted has " + predicted.length
                            + "; they must be equal");
        }
        checkLabels("labels", labels, classes);
        checkLabels("predicted", predicted, classes);
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][predicted[i]]++;
        }
        return new ClassificationMetrics(confusion);
    }

    /** Number of classes (the side of the confusion matrix). */
    public int classes() {
        return confusion.length;
    }

    /** Number of samples evaluated. */
    public long count() {
        return count;
    }

    /** Number of samples whose predicted class was the true class. */
    public long correct() {
        return correct;
    }

    /** {@code correct() / count()}, or {@code NaN} when no sample was evaluated. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /**
     * Number of samples of true class {@code trueClass} predicted as {@code predictedClass}.
     *
     * @throws IndexOutOfBoundsException if a class is outside {@code [0, classes())}
     */
    public long count(int trueClass, int predictedClass) {
        return confusion[trueClass][predictedClass];
    }

    /**
     * Recall (per-class accuracy) of class {@code c}: correct predictions among the samples of that
     * class, or {@code NaN} when the set holds none.
     *
     * @throws IndexOutOfBoundsException if {@code c} is outside {@code [0, classes())}
     */
    public double recall(int c) {
        long row = 0;
        for (long v : confusion[c]) {
            row += v;
        }
        return row == 0 ? Double.NaN : (double) confusion[c][c] / row;
    }

    /** A copy of the confusion matrix: rows are true classes, columns predicted classes. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    @Override
    public String toString() {
        return "ClassificationMetrics[classes=" + classes() + ", count=" + count + ", correct="
                + correct + ", accuracy=" + accuracy() + "]";
    }

    private static void checkLabels(String name, int[] values, int classes) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= classes) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] = " + values[i] + " is out of range; it must be in [0, " + classes
                                + ")");
            }
        }
    }
}
