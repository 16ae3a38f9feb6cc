package dev.mnemo.learner.uncertainty;

import dev.mnemo.learner.model.Classifier;

/**
 * Monte Carlo dropout: {@code T} stochastic forward passes with dropout left on, read as samples
 * of a predictive distribution, summarised per input by the mean probabilities, the predictive
 * entropy, the mutual information between the prediction and the model (BALD) and the per-class
 * standard deviation.
 *
 * <h2>Method</h2>
 * The batch is tiled {@code T} times and run through the network once
 * ({@link Classifier#dropoutLogits}, about twice as fast as {@code T} separate passes), with an
 * inverted-dropout mask of keep probability {@code keep} on the output of every hidden layer. With
 * {@code p_t} the softmax of pass {@code t} and {@code pbar} their mean:
 * <pre>
 *   predictive entropy   H = -sum_c pbar_c ln pbar_c
 *   expected entropy     E = (1/T) sum_t ( -sum_c p_tc ln p_tc )
 *   mutual information   I = H - E        (BALD; 0 when all passes agree)
 *   per-class std        s_c = sqrt( (1/T) sum_t (p_tc - pbar_c)^2 )
 * </pre>
 * in nats. {@code H} is high for any uncertain input; {@code I} is high only where the passes
 * disagree, which is the model's own (epistemic) uncertainty. The masks are drawn from
 * {@code seed}, so results are reproducible.
 *
 * <pre>{@code
 * McDropout mc = new McDropout(30, 0.9, 42L);                  // T = 30, keep 90% of units
 * McDropout.Result r = mc.estimate(model, window);
 * double meanMi = r.meanMutualInformation();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the {@link Classifier} serialises the calls it receives.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Y. Gal and Z. Ghahramani, "Dropout as a Bayesian Approximation: Representing Model
 *       Uncertainty in Deep Learning", ICML 2016.</li>
 *   <li>N. Houlsby, F. Huszar, Z. Ghahramani and M. Lengyel, "Bayesian Active Learning for
 *       Classification and Preference Learning", arXiv:1112.5745, 2011 (BALD).</li>
 * </ul>
 */
public final class McDropout {

    /** Default number of stochastic passes. */
    public static final int DEFAULT_PASSES = 30;
    /** Default keep probability, for networks trained without dropout. */
    public static final double DEFAULT_KEEP = 0.9;

    private final int passes;
    private final double keep;
    private final long seed;

    /**
     * @param passes number of stochastic passes {@code T}, at least 2
     * @param keep probability of keeping a hidden unit, in (0, 1); use the network's own
     *     {@code MlpSpec.dropoutKeep()} when it was trained with dropout
     * @param seed seed of the dropout masks
     * @throws IllegalArgumentException if a value is outside its range
     */
    public McDropout(int passes, double keep, long seed) {
        if (passes < 2) {
            throw new IllegalArgumentException("passes must be >= 2, got " + passes);
        }
        if (!(keep > 0.0 && keep < 1.0)) {
            throw new IllegalArgumentException("keep (probability of keeping a unit) must be in (0, 1), got " + keep);
        }
        this.passes = passes;
        this.keep = keep;
        this.seed = seed;
    }

    /**
     * @param model a classifier with at least one hidden layer
     * @return T = 30 passes, the model's own keep probability if it was trained with dropout, else
     *     0.9, seed 42
     */
    public static McDropout forModel(Classifier model) {
        double k = model.spec().dropoutKeep();
        return new McDropout(DEFAULT_PASSES, k < 1.0 ? k : DEFAULT_KEEP, 42L);
    }

    /**
     * Runs the passes on a batch and summarises them.
     *
     * @param model the classifier (with at least one hidden layer)
     * @param inputs {@code [samples][inputs]}, as for {@link Classifier#predict}
     * @return the per-sample summary
     * @throws IllegalArgumentException as for {@link Classifier#dropoutLogits}
     */
    public Result estimate(Classifier model, float[][] inputs) {
        float[][] logits = model.dropoutLogits(inputs, passes, keep, seed);
        return summarise(softmax(logits), passes, inputs.length);
    }

    /**
     * Summarises stochastic probabilities already computed.
     *
     * @param tiled {@code [passes * samples][classes]} probabilities, row {@code t * samples + i}
     *     being pass {@code t} on sample {@code i}; each row sums to about 1
     * @param passes number of passes, at least 1
     * @param samples number of samples, at least 1
     * @return the summary
     * @throws IllegalArgumentException if the shape does not match
     */
    public static Result summarise(double[][] tiled, int passes, int samples) {
        if (passes < 1 || samples < 1 || tiled.length != (long) passes * samples) {
            throw new IllegalArgumentException("tiled has " + tiled.length + " rows, expected passes (" + passes
                    + ") x samples (" + samples + ")");
        }
        int classes = tiled[0].length;
        double[][] mean = new double[samples][classes];
        double[][] std = new double[samples][classes];
        double[] entropy = new double[samples];
        double[] mutual = new double[samples];
        int[] predicted = new int[samples];
        for (int i = 0; i < samples; i++) {
            double expectedEntropy = 0.0;
            for (int t = 0; t < passes; t++) {
                double[] p = tiled[t * samples + i];
                if (p.length != classes) {
                    throw new IllegalArgumentException("row " + (t * samples + i) + " has " + p.length
                            + " classes, expected " + classes);
                }
                for (int c = 0; c < classes; c++) {
                    mean[i][c] += p[c];
                }
                expectedEntropy += entropy(p);
            }
            expectedEntropy /= passes;
            for (int c = 0; c < classes; c++) {
                mean[i][c] /= passes;
            }
            for (int t = 0; t < passes; t++) {
                double[] p = tiled[t * samples + i];
                for (int c = 0; c < classes; c++) {
                    double diff = p[c] - mean[i][c];
                    std[i][c] += diff * diff;
                }
            }
            int best = 0;
            for (int c = 0; c < classes; c++) {
                std[i][c] = Math.sqrt(std[i][c] / passes);
                if (mean[i][c] > mean[i][best]) {
                    best = c;
                }
            }
            predicted[i] = best;
            entropy[i] = entropy(mean[i]);
            // Rounding can make the difference a hair negative when every pass agrees.
            mutual[i] = Math.max(0.0, entropy[i] - expectedEntropy);
        }
        return new Result(mean, predicted, entropy, mutual, std);
    }

    /** @return {@code -sum p ln p}, in nats, with {@code 0 ln 0 = 0} */
    public static double entropy(double[] p) {
        double h = 0.0;
        for (double v : p) {
            if (v > 0.0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    private static double[][] softmax(float[][] logits) {
        double[][] p = new double[logits.length][];
        for (int r = 0; r < logits.length; r++) {
            float[] z = logits[r];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v);
            }
            double[] row = new double[z.length];
            double sum = 0.0;
            for (int c = 0; c < z.length; c++) {
                row[c] = Math.exp(z[c] - max);
                sum += row[c];
            }
            for (int c = 0; c < z.length; c++) {
                row[c] /= sum;
            }
            p[r] = row;
        }
        return p;
    }

    /** @return the number of passes */
    public int passes() {
        return passes;
    }

    /** @return the keep probability */
    public double keep() {
        return keep;
    }

    /** @return the seed of the masks */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "McDropout[passes=" + passes + ", keep=" + keep + ", seed=" + seed + "]";
    }

    /**
     * The summary of the passes, per sample (arrays owned by the caller).
     *
     * @param meanProbabilities {@code [samples][classes]}, the mean of the passes' softmax
     * @param predictedClass argmax of the mean probabilities
     * @param predictiveEntropy entropy of the mean probabilities, nats
     * @param mutualInformation predictive entropy minus the mean entropy of the passes (BALD), nats,
     *     at least 0
     * @param perClassStd {@code [samples][classes]}, standard deviation of each class probability
     *     over the passes
     */
    public record Result(double[][] meanProbabilities, int[] predictedClass, double[] predictiveEntropy,
            double[] mutualInformation, double[][] perClassStd) {

        /** @return the number of samples */
        public int size() {
            return predictedClass.length;
        }

        /** @return the mean predictive entropy over the samples */
        public double meanPredictiveEntropy() {
            return mean(predictiveEntropy);
        }

        /** @return the mean mutual information over the samples */
        public double meanMutualInformation() {
            return mean(mutualInformation);
        }

        /** @return the standard deviation of sample {@code i}'s predicted class probability */
        public double predictedClassStd(int i) {
            return perClassStd[i][predictedClass[i]];
        }

        private static double mean(double[] x) {
            double s = 0.0;
            for (double v : x) {
                s += v;
            }
            return x.length == 0 ? Double.NaN : s / x.length;
        }
    }
}
