package dev.mnemo.system;

import java.util.Locale;
import java.util.Random;

/**
 * Labelled samples of 64 features in 10 classes, as JSON lines for {@code mnemo.samples.raw}.
 *
 * <p>Each class has a centroid with features drawn uniformly from [0, 1] (seeded); a sample is its
 * class centroid plus Gaussian noise of standard deviation 0.15, clipped to [0, 1]. The class of
 * sample i is drawn from a generator seeded by the seed and i, so a sample depends only on
 * (seed, i): any subset can be sent again identically. The classes are well apart, so the learner
 * learns them within a few hundred samples; the tests need a stream that trains, not a hard one.
 *
 * <pre>{@code
 * SyntheticSamples samples = new SyntheticSamples(7L);
 * samples.json("s-", 0);   // {"id":"s-0","source":"system-test","features":[0.61,...],"label":4}
 * }</pre>
 */
record SyntheticSamples(long seed) {

    /** Features per sample (the size of the 8 x 8 digits). */
    static final int FEATURES = 64;
    /** Classes. */
    static final int CLASSES = 10;
    private static final double NOISE = 0.15;

    /** The id of sample {@code index} under {@code prefix}. */
    static String id(String prefix, int index) {
        return prefix + index;
    }

    /**
     * Sample {@code index} as one JSON object.
     *
     * @throws IllegalArgumentException if index is negative
     */
    String json(String prefix, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        Random centroids = new Random(seed);
        Random own = new Random(seed * 1_000_003L + index);
        int label = own.nextInt(CLASSES);
        StringBuilder json = new StringBuilder(32 + FEATURES * 6)
                .append("{\"id\":\"").append(id(prefix, index)).append("\",\"source\":\"system-test\",\"features\":[");
        double[] centroid = new double[FEATURES];
        for (int c = 0; c <= label; c++) {
            for (int f = 0; f < FEATURES; f++) {
                centroid[f] = centroids.nextDouble();
            }
        }
        for (int f = 0; f < FEATURES; f++) {
            double value = Math.min(1, Math.max(0, centroid[f] + NOISE * own.nextGaussian()));
            json.append(f == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", value));
        }
        return json.append("],\"label\":").append(label).append('}').toString();
    }
}
