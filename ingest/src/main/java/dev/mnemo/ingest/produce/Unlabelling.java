package dev.mnemo.ingest.produce;

import java.util.Random;

/**
 * Chooses which samples of a dataset are sent without their label: each one independently with
 * probability {@code fraction}, from a seeded generator, so that the same seed gives the same
 * choice. Streaming files have no known length, so the count is {@code fraction * n} on average,
 * not exactly. Not thread-safe.
 */
public final class Unlabelling {

    private final double fraction;
    private final Random random;

    /**
     * @param fraction share of samples sent without label, in [0, 1]
     * @param seed     seed of the choice
     * @throws IllegalArgumentException when the fraction is outside [0, 1]
     */
    public Unlabelling(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("unlabelled fraction must be in [0, 1], got " + fraction);
        }
        this.fraction = fraction;
        this.random = new Random(seed);
    }

    /** Every sample keeps its label. */
    public static Unlabelling none() {
        return new Unlabelling(0, 0L);
    }

    /** Whether the next labelled sample is to be sent without its label. */
    public boolean drop() {
        return fraction > 0 && random.nextDouble() < fraction;
    }
}
