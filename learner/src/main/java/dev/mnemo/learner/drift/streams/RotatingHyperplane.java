package dev.mnemo.learner.drift.streams;

import dev.mnemo.learner.drift.SplitMix64;

/**
 * The rotating hyperplane: points uniform in the unit cube labelled by the side of a hyperplane,
 * whose orientation can change abruptly at a given index and rotate slowly at every sample.
 *
 * <h2>Method</h2>
 * Features {@code x} are uniform in [0, 1]<sup>d</sup>. With weights {@code w} the label is 1 when
 * <pre>
 *   sum_i w_i x_i &gt;= w_0,    w_0 = (1/2) sum_i w_i
 * </pre>
 * so about half of the points are positive whatever the weights. Concept 0 and concept 1 have their
 * own weights, each drawn uniformly from [0, 1] with the stream's seed; an abrupt (or gradual)
 * drift switches between them at {@code driftAt}. In addition, with {@code magnitude > 0}, every
 * weight of both concepts moves by {@code magnitude * s_i} after every sample, with a direction
 * {@code s_i} in {-1, +1} that reverses with probability {@code reversal}: the original
 * continuously rotating concept. The original study adds 5% class noise.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * RotatingHyperplane h = RotatingHyperplane.abrupt(42, 10, 1000);   // 10 features
 * Sample s = h.next();
 * RotatingHyperplane.label(new double[] {1, 1}, new double[] {0.9, 0.2});   // 1: 1.1 >= 1.0
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. Hulten, L. Spencer and P. Domingos, "Mining time-changing data streams", Proceedings of
 *       the 7th ACM SIGKDD International Conference on Knowledge Discovery and Data Mining, 97-106,
 *       2001.</li>
 * </ul>
 */
public final class RotatingHyperplane extends DriftStream {

    /** Class noise of the original study. */
    public static final double DEFAULT_NOISE = 0.05;
    /** Probability that a weight's direction of change reverses, after each sample. */
    public static final double DEFAULT_REVERSAL = 0.1;

    private final int dimensions;
    private final double[][] weights;
    private final double[] directions;
    private final double magnitude;
    private final double reversal;

    /**
     * @param seed the seed
     * @param dimensions number of features, at least 1
     * @param driftAt index of the first sample of concept 1
     * @return an abrupt stream from concept 0 to concept 1, 5% noise, no continuous rotation
     */
    public static RotatingHyperplane abrupt(long seed, int dimensions, long driftAt) {
        return new RotatingHyperplane(seed, dimensions, driftAt, 0, 0.0, DEFAULT_REVERSAL, DEFAULT_NOISE);
    }

    /**
     * @param seed the seed
     * @param dimensions number of features, at least 1
     * @param driftAt index of the switch from concept 0 to concept 1 (centre when gradual)
     * @param width 0 for abrupt, else the width of a gradual switch
     * @param magnitude change of each weight per sample, at least 0 (0: no rotation)
     * @param reversal probability in [0, 1] that a weight's direction reverses after a sample
     * @param noise class noise in [0, 1)
     * @throws IllegalArgumentException if a value is outside its range
     */
    public RotatingHyperplane(long seed, int dimensions, long driftAt, long width, double magnitude,
            double reversal, double noise) {
        super(seed, 0, 1, driftAt, width, noise, 2);
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
        }
        if (!(magnitude >= 0.0 && magnitude < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("magnitude must be finite and >= 0, got " + magnitude);
        }
        if (!(reversal >= 0.0 && reversal <= 1.0)) {
            throw new IllegalArgumentException("reversal must be in [0, 1], got " + reversal);
        }
        this.dimensions = dimensions;
        this.magnitude = magnitude;
        this.reversal = reversal;
        // Weights come from their own generator so that they do not depend on later draws.
        SplitMix64 init = new SplitMix64(seed ^ 0x5DEECE66DL);
        this.weights = new double[2][dimensions];
        for (double[] w : weights) {
            for (int i = 0; i < dimensions; i++) {
                w[i] = init.nextDouble();
            }
        }
        this.directions = new double[dimensions];
        for (int i = 0; i < dimensions; i++) {
            directions[i] = init.nextDouble() < 0.5 ? -1.0 : 1.0;
        }
    }

    /**
     * The hyperplane label.
     *
     * @param w the weights
     * @param x the features, as many as weights
     * @return 1 if {@code sum w_i x_i >= (1/2) sum w_i}, else 0
     */
    public static int label(double[] w, double[] x) {
        double dot = 0.0;
        double sum = 0.0;
        for (int i = 0; i < w.length; i++) {
            dot += w[i] * x[i];
            sum += w[i];
        }
        return dot >= 0.5 * sum ? 1 : 0;
    }

    /**
     * @param concept 0 or 1
     * @return a copy of the current weights of that concept
     */
    public double[] weights(int concept) {
        return weights[requireConcept("concept", concept, 2)].clone();
    }

    @Override
    protected double[] features() {
        double[] x = new double[dimensions];
        for (int i = 0; i < dimensions; i++) {
            x[i] = rng.nextDouble();
        }
        return x;
    }

    @Override
    protected int conceptLabel(int concept, double[] x) {
        int y = label(weights[concept], x);
        if (magnitude > 0.0) {
            rotate();
        }
        return y;
    }

    private void rotate() {
        for (int i = 0; i < dimensions; i++) {
            weights[0][i] += magnitude * directions[i];
            weights[1][i] += magnitude * directions[i];
            if (rng.nextDouble() < reversal) {
                directions[i] = -directions[i];
            }
        }
    }
}
