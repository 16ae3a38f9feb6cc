package dev.mnemo.learner.drift.streams;

import dev.mnemo.learner.drift.SplitMix64;

/**
 * A seeded synthetic stream that switches from one concept to another at a known position, for
 * testing drift detectors and learners against a ground truth.
 *
 * <h2>Method</h2>
 * Sample {@code t} (from 0) is drawn from the concept {@code before} or {@code after}. With a width
 * of 0 the drift is abrupt: samples {@code t < driftAt} come from {@code before}, the others from
 * {@code after}. With a width {@code w > 0} the drift is gradual: sample {@code t} comes from
 * {@code after} with probability {@code 1 / (1 + exp(-4 (t - driftAt) / w))}, a sigmoid that is
 * 1/2 at {@code driftAt} and moves from about 0.12 to 0.88 over {@code w} samples. Labels are then
 * flipped with probability {@code noise} (to another class, uniformly, for more than two classes).
 *
 * <p>All randomness comes from one {@link SplitMix64} seeded at construction, so equal arguments
 * give equal streams. <b>Mutable and not thread-safe.</b>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>A. Bifet, G. Holmes, B. Pfahringer, R. Kirkby and R. Gavalda, "New ensemble methods for
 *       evolving data streams", Proceedings of the 15th ACM SIGKDD International Conference on
 *       Knowledge Discovery and Data Mining, 139-148, 2009 (the sigmoid drift of a given width).</li>
 * </ul>
 */
public abstract class DriftStream {

    /** The random generator of this stream; subclasses draw features from it. */
    protected final SplitMix64 rng;
    private final int before;
    private final int after;
    private final long driftAt;
    private final long width;
    private final double noise;
    private final int classes;
    private long position;

    /**
     * @param seed the seed of all draws
     * @param before the concept before the drift
     * @param after the concept after the drift
     * @param driftAt index of the first sample of the new concept (abrupt) or the centre of the
     *     change (gradual), at least 0
     * @param width 0 for an abrupt drift, else the number of samples the change takes
     * @param noise probability of a wrong label, in [0, 1)
     * @param classes number of classes, at least 2
     * @throws IllegalArgumentException if a value is outside its range
     */
    protected DriftStream(long seed, int before, int after, long driftAt, long width, double noise, int classes) {
        if (driftAt < 0) {
            throw new IllegalArgumentException("driftAt must be >= 0, got " + driftAt);
        }
        if (width < 0) {
            throw new IllegalArgumentException("width must be >= 0 (0 for an abrupt drift), got " + width);
        }
        if (!(noise >= 0.0 && noise < 1.0)) {
            throw new IllegalArgumentException("noise must be in [0, 1), got " + noise);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        this.rng = new SplitMix64(seed);
        this.before = before;
        this.after = after;
        this.driftAt = driftAt;
        this.width = width;
        this.noise = noise;
        this.classes = classes;
    }

    /**
     * Checks a concept index against its allowed range, for the subclasses' constructors.
     *
     * @param name the argument's name, for the message
     * @param concept the concept index
     * @param count the number of concepts
     * @return {@code concept}
     * @throws IllegalArgumentException if {@code concept} is outside [0, count - 1]
     */
    protected static int requireConcept(String name, int concept, int count) {
        if (concept < 0 || concept >= count) {
            throw new IllegalArgumentException(
                    name + " must be in [0, " + (count - 1) + "], got " + concept);
        }
        return concept;
    }

    /** @return the next sample */
    public final Sample next() {
        long t = position++;
        int concept;
        if (width == 0) {
            concept = t < driftAt ? before : after;
        } else {
            double p = 1.0 / (1.0 + Math.exp(-4.0 * (t - driftAt) / (double) width));
            concept = rng.nextDouble() < p ? after : before;
        }
        double[] x = features();
        int y = conceptLabel(concept, x);
        if (noise > 0.0 && rng.nextDouble() < noise) {
            y = classes == 2 ? 1 - y : (y + 1 + rng.nextInt(classes - 1)) % classes;
        }
        return new Sample(x, y);
    }

    /** @return the index of the next sample */
    public final long position() {
        return position;
    }

    /** @return the index of the drift (its centre when gradual) */
    public final long driftAt() {
        return driftAt;
    }

    /** @return 0 for an abrupt drift, else its width in samples */
    public final long width() {
        return width;
    }

    /** @return the number of classes */
    public final int classes() {
        return classes;
    }

    /** @return fresh features drawn from {@link #rng} */
    protected abstract double[] features();

    /**
     * The noiseless label of {@code x} under {@code concept}.
     *
     * @param concept the concept index
     * @param x the features
     * @return the class
     */
    protected abstract int conceptLabel(int concept, double[] x);
}
