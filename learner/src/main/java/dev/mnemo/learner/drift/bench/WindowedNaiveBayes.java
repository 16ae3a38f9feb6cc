package dev.mnemo.learner.drift.bench;

import java.util.Arrays;

/**
 * The benchmark's base learner: a naive Bayes classifier over the last {@code window} labelled
 * samples, with every feature cut into equal-width bins. It is deliberately simple and fully
 * deterministic, so that the error stream it produces depends only on the data stream.
 *
 * <h2>Method</h2>
 * The first {@code rangeSamples} samples fix, per feature, the range [min, max] that is cut into
 * {@code bins} equal-width bins (values outside the range fall into the end bins). Until then the
 * learner predicts the most frequent class so far. The model is the count table of the samples in
 * a sliding window of the last {@code window} samples: the class counts {@code n_c} and the counts
 * {@code n_{c,f,b}} of class {@code c} with feature {@code f} in bin {@code b}. The prediction is
 * <pre>
 *   argmax_c  log((n_c + 1) / (n + C)) + sum_f log((n_{c,f,b_f} + 1) / (n_c + B))
 * </pre>
 * (Laplace smoothing; ties go to the lowest class). Learning adds the new sample to the counts and
 * removes the one that leaves the window, so the learner forgets an old concept within
 * {@code window} samples without being told about any drift: the error stream it yields rises at a
 * drift and falls back as the window fills with the new concept.
 *
 * <p>Used prequentially (test, then train): {@link #predict(double[])} then {@link #learn(double[], int)}.
 * <b>Mutable and not thread-safe.</b>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * WindowedNaiveBayes nb = new WindowedNaiveBayes(2, 500, 10, 200);
 * boolean error = nb.predict(s.x()) != s.y();
 * nb.learn(s.x(), s.y());
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>P. Domingos and M. Pazzani, "On the optimality of the simple Bayesian classifier under
 *       zero-one loss", Machine Learning 29(2-3), 103-130, 1997.</li>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 317-346, 2013 (prequential evaluation, sliding windows).</li>
 * </ul>
 */
public final class WindowedNaiveBayes {

    private final int classes;
    private final int window;
    private final int bins;
    private final int rangeSamples;

    private int features = -1;
    private double[] lo;
    private double[] width;
    private double[][] raw;
    private int[][] binned;
    private int[] labels;
    private long seen;
    private int[] classCount;
    private int[][][] counts;
    private final long[] allCount;

    /**
     * @param classes number of classes, at least 2
     * @param window samples the counts cover, at least 1
     * @param bins bins per feature, at least 1
     * @param rangeSamples samples that fix the feature ranges, in [1, window]
     * @throws IllegalArgumentException if a value is outside its range
     */
    public WindowedNaiveBayes(int classes, int window, int bins, int rangeSamples) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        if (rangeSamples < 1 || rangeSamples > window) {
            throw new IllegalArgumentException("rangeSamples must be in [1, window = " + window + "], got "
                    + rangeSamples);
        }
        this.classes = classes;
        this.window = window;
        this.bins = bins;
        this.rangeSamples = rangeSamples;
        this.allCount = new long[classes];
    }

    /**
     * @param x the features
     * @return the predicted class
     */
    public int predict(double[] x) {
        if (seen < rangeSamples) {
            return argmax(allCount);
        }
        int n = (int) Math.min(seen, window);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            double score = Math.log((classCount[c] + 1.0) / (n + classes));
            double denominator = classCount[c] + bins;
            for (int f = 0; f < features; f++) {
                score += Math.log((counts[c][f][bin(f, x[f])] + 1.0) / denominator);
            }
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    /**
     * Adds a labelled sample, forgetting the oldest one once the window is full.
     *
     * @param x the features, as many as in the first sample
     * @param y the class, in [0, classes - 1]
     * @throws IllegalArgumentException if {@code y} or the number of features is wrong
     */
    public void learn(double[] x, int y) {
        if (y < 0 || y >= classes) {
            throw new IllegalArgumentException("y must be in [0, " + (classes - 1) + "], got " + y);
        }
        if (features < 0) {
            features = x.length;
            raw = new double[window][];
            binned = new int[window][features];
            labels = new int[window];
            classCount = new int[classes];
            counts = new int[classes][features][bins];
        } else if (x.length != features) {
            throw new IllegalArgumentException("expected " + features + " features, got " + x.length);
        }
        int slot = (int) (seen % window);
        if (seen >= window) {
            forget(slot);
        }
        raw[slot] = x.clone();
        labels[slot] = y;
        allCount[y]++;
        seen++;
        if (seen == rangeSamples) {
            fixRanges();
        } else if (seen > rangeSamples) {
            count(slot);
        }
    }

    private void fixRanges() {
        lo = new double[features];
        width = new double[features];
        double[] hi = new double[features];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int s = 0; s < rangeSamples; s++) {
            for (int f = 0; f < features; f++) {
                lo[f] = Math.min(lo[f], raw[s][f]);
                hi[f] = Math.max(hi[f], raw[s][f]);
            }
        }
        for (int f = 0; f < features; f++) {
            width[f] = hi[f] > lo[f] ? (hi[f] - lo[f]) / bins : 1.0;
        }
        for (int s = 0; s < rangeSamples; s++) {
            count(s);
        }
    }

    private void count(int slot) {
        int y = labels[slot];
        classCount[y]++;
        for (int f = 0; f < features; f++) {
            int b = bin(f, raw[slot][f]);
            binned[slot][f] = b;
            counts[y][f][b]++;
        }
    }

    private void forget(int slot) {
        int y = labels[slot];
        classCount[y]--;
        for (int f = 0; f < features; f++) {
            counts[y][f][binned[slot][f]]--;
        }
    }

    private int bin(int f, double v) {
        int b = (int) Math.floor((v - lo[f]) / width[f]);
        return Math.max(0, Math.min(bins - 1, b));
    }

    private static int argmax(long[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}
