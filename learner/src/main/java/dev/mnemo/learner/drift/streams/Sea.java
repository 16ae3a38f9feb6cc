package dev.mnemo.learner.drift.streams;

/**
 * SEA concepts: three features uniform in [0, 10], of which only the first two matter; the label is
 * 1 when {@code x1 + x2 <= theta}, with {@code theta} 8, 9, 7 and 9.5 for concepts 0 to 3.
 *
 * <h2>Method</h2>
 * The third feature is irrelevant noise. A drift moves the threshold {@code theta}, so the decision
 * boundary shifts while the input distribution stays the same: a pure change of concept, invisible
 * to input-only detectors. The original benchmark adds 10% class noise.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code before}, {@code after}: concepts in [0, 3].</li>
 *   <li>{@code driftAt}, {@code width}, {@code noise}: see {@link DriftStream}; noise default 0.1.</li>
 * </ul>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Sea sea = Sea.abrupt(42, 0, 2, 1000);   // theta 8, then theta 7 from sample 1000
 * Sample s = sea.next();                  // s.x() has 3 features, s.y() is 0 or 1
 * Sea.label(2, new double[] {3.0, 4.0, 9.0});   // 1, since 3 + 4 <= 7
 * Sea.label(2, new double[] {3.0, 4.5, 9.0});   // 0, since 3 + 4.5 > 7
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>W. N. Street and Y. Kim, "A streaming ensemble algorithm (SEA) for large-scale
 *       classification", Proceedings of the 7th ACM SIGKDD International Conference on Knowledge
 *       Discovery and Data Mining, 377-382, 2001.</li>
 * </ul>
 */
public final class Sea extends DriftStream {

    /** Thresholds of concepts 0 to 3. */
    private static final double[] THETA = {8.0, 9.0, 7.0, 9.5};
    /** Class noise of the original benchmark. */
    public static final double DEFAULT_NOISE = 0.1;

    /**
     * @param seed the seed
     * @param before concept in [0, 3] before the drift
     * @param after concept in [0, 3] after the drift
     * @param driftAt index of the first sample of {@code after}
     * @return an abrupt SEA stream with 10% class noise
     */
    public static Sea abrupt(long seed, int before, int after, long driftAt) {
        return new Sea(seed, before, after, driftAt, 0, DEFAULT_NOISE);
    }

    /**
     * @param seed the seed
     * @param before concept in [0, 3] before the drift
     * @param after concept in [0, 3] after the drift
     * @param driftAt index of the drift (centre when gradual), at least 0
     * @param width 0 for abrupt, else the width of a gradual drift
     * @param noise class noise in [0, 1)
     * @throws IllegalArgumentException if a value is outside its range
     */
    public Sea(long seed, int before, int after, long driftAt, long width, double noise) {
        super(seed, requireConcept("before", before, THETA.length), requireConcept("after", after, THETA.length),
                driftAt, width, noise, 2);
    }

    /**
     * The noiseless SEA label.
     *
     * @param concept concept in [0, 3]
     * @param x at least two features
     * @return 1 if {@code x[0] + x[1] <= theta(concept)}, else 0
     */
    public static int label(int concept, double[] x) {
        return x[0] + x[1] <= THETA[concept] ? 1 : 0;
    }

    /**
     * @param concept concept in [0, 3]
     * @return its threshold
     */
    public static double theta(int concept) {
        return THETA[requireConcept("concept", concept, THETA.length)];
    }

    @Override
    protected double[] features() {
        return new double[] {10.0 * rng.nextDouble(), 10.0 * rng.nextDouble(), 10.0 * rng.nextDouble()};
    }

    @Override
    protected int conceptLabel(int concept, double[] x) {
        return Sea.label(concept, x);
    }
}
