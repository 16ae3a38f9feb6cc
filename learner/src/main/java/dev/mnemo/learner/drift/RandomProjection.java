package dev.mnemo.learner.drift;

/**
 * A fixed, seeded random linear map from {@code inputs} dimensions down to {@code outputs}: the
 * cheap way to watch a high-dimensional feature vector (for example a model's penultimate
 * features) with univariate detectors such as {@link Kswin}, one per projected component.
 *
 * <h2>Method</h2>
 * The matrix {@code R} has independent Gaussian entries with mean 0 and variance
 * {@code 1 / outputs}, drawn once from {@link SplitMix64} with the given seed; a vector {@code x}
 * maps to {@code R x}. By the Johnson-Lindenstrauss lemma such a map keeps distances between
 * vectors within a factor {@code 1 +- eps} with high probability once
 * {@code outputs ~ log(n) / eps^2}; for drift watching only a handful of components is needed,
 * since a change of the feature distribution moves most random directions. Each projection costs
 * {@code inputs * outputs} multiply-adds and allocates the result only.
 *
 * <pre>{@code
 * RandomProjection p = new RandomProjection(128, 4, 42L);
 * double[] z = p.project(penultimateFeatures);       // 4 values to feed 4 detectors
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>W. B. Johnson and J. Lindenstrauss, "Extensions of Lipschitz mappings into a Hilbert space",
 *       Contemporary Mathematics 26, 189-206, 1984.</li>
 *   <li>S. Rabanser, S. Gunnemann and Z. C. Lipton, "Failing Loudly: An Empirical Study of Methods
 *       for Detecting Dataset Shift", NeurIPS 2019 (random projections and univariate tests on
 *       learnt features).</li>
 * </ul>
 */
public final class RandomProjection {

    private final int inputs;
    private final int outputs;
    private final long seed;
    private final double[][] matrix;

    /**
     * @param inputs dimension of the vectors to project, at least 1
     * @param outputs dimension of the result, in [1, inputs]
     * @param seed seed of the matrix
     * @throws IllegalArgumentException if a dimension is outside its range
     */
    public RandomProjection(int inputs, int outputs, long seed) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
        }
        if (outputs < 1 || outputs > inputs) {
            throw new IllegalArgumentException("outputs must be in [1, inputs] = [1, " + inputs + "], got " + outputs);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.seed = seed;
        SplitMix64 rng = new SplitMix64(seed);
        double scale = 1.0 / Math.sqrt(outputs);
        matrix = new double[outputs][inputs];
        for (int k = 0; k < outputs; k++) {
            for (int j = 0; j < inputs; j++) {
                matrix[k][j] = rng.nextGaussian() * scale;
            }
        }
    }

    /**
     * @param x a vector of {@link #inputs()} values
     * @return its projection, {@link #outputs()} values
     * @throws IllegalArgumentException if {@code x} has another length
     */
    public double[] project(float[] x) {
        if (x.length != inputs) {
            throw new IllegalArgumentException("vector has " + x.length + " values, expected " + inputs);
        }
        double[] z = new double[outputs];
        for (int k = 0; k < outputs; k++) {
            double[] row = matrix[k];
            double s = 0.0;
            for (int j = 0; j < inputs; j++) {
                s += row[j] * x[j];
            }
            z[k] = s;
        }
        return z;
    }

    /**
     * @param rows vectors of {@link #inputs()} values
     * @return {@code [rows][outputs]}
     */
    public double[][] project(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = project(rows[i]);
        }
        return out;
    }

    /** @return the input dimension */
    public int inputs() {
        return inputs;
    }

    /** @return the output dimension */
    public int outputs() {
        return outputs;
    }

    /** @return the seed of the matrix */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "RandomProjection[" + inputs + " -> " + outputs + ", seed=" + seed + "]";
    }
}
