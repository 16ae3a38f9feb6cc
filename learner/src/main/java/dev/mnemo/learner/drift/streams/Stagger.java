package dev.mnemo.learner.drift.streams;

/**
 * STAGGER concepts: objects described by size, colour and shape, and three boolean target concepts
 * over them.
 *
 * <h2>Method</h2>
 * Each feature takes one of three values, coded 0, 1, 2 and drawn uniformly: size (small, medium,
 * large), colour (red, green, blue) and shape (square, circle, triangle). The label is 1 when
 * <ul>
 *   <li>concept 0: size = small and colour = red;</li>
 *   <li>concept 1: colour = green or shape = circle;</li>
 *   <li>concept 2: size = medium or size = large.</li>
 * </ul>
 * The original study presents the concepts in this order, changing abruptly; no noise by default.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Stagger stagger = Stagger.abrupt(42, 0, 1, 1000);
 * Stagger.label(0, new double[] {Stagger.SMALL, Stagger.RED, Stagger.CIRCLE});    // 1
 * Stagger.label(2, new double[] {Stagger.SMALL, Stagger.RED, Stagger.CIRCLE});    // 0
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. C. Schlimmer and R. H. Granger, "Incremental learning from noisy data", Machine
 *       Learning 1(3), 317-354, 1986.</li>
 * </ul>
 */
public final class Stagger extends DriftStream {

    /** Size code. */
    public static final double SMALL = 0;
    /** Size code. */
    public static final double MEDIUM = 1;
    /** Size code. */
    public static final double LARGE = 2;
    /** Colour code. */
    public static final double RED = 0;
    /** Colour code. */
    public static final double GREEN = 1;
    /** Colour code. */
    public static final double BLUE = 2;
    /** Shape code. */
    public static final double SQUARE = 0;
    /** Shape code. */
    public static final double CIRCLE = 1;
    /** Shape code. */
    public static final double TRIANGLE = 2;

    private static final int CONCEPTS = 3;

    /**
     * @param seed the seed
     * @param before concept in [0, 2] before the drift
     * @param after concept in [0, 2] after the drift
     * @param driftAt index of the first sample of {@code after}
     * @return an abrupt, noiseless STAGGER stream
     */
    public static Stagger abrupt(long seed, int before, int after, long driftAt) {
        return new Stagger(seed, before, after, driftAt, 0, 0.0);
    }

    /**
     * @param seed the seed
     * @param before concept in [0, 2] before the drift
     * @param after concept in [0, 2] after the drift
     * @param driftAt index of the drift (centre when gradual), at least 0
     * @param width 0 for abrupt, else the width of a gradual drift
     * @param noise class noise in [0, 1)
     * @throws IllegalArgumentException if a value is outside its range
     */
    public Stagger(long seed, int before, int after, long driftAt, long width, double noise) {
        super(seed, requireConcept("before", before, CONCEPTS), requireConcept("after", after, CONCEPTS),
                driftAt, width, noise, 2);
    }

    /**
     * The STAGGER label.
     *
     * @param concept concept in [0, 2]
     * @param x size, colour, shape codes
     * @return 1 if the object belongs to the concept, else 0
     */
    public static int label(int concept, double[] x) {
        double size = x[0];
        double colour = x[1];
        double shape = x[2];
        boolean in = switch (concept) {
            case 0 -> size == SMALL && colour == RED;
            case 1 -> colour == GREEN || shape == CIRCLE;
            case 2 -> size == MEDIUM || size == LARGE;
            default -> throw new IllegalArgumentException("concept must be in [0, 2], got " + concept);
        };
        return in ? 1 : 0;
    }

    @Override
    protected double[] features() {
        return new double[] {rng.nextInt(3), rng.nextInt(3), rng.nextInt(3)};
    }

    @Override
    protected int conceptLabel(int concept, double[] x) {
        return Stagger.label(concept, x);
    }
}
