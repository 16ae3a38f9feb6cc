package dev.mnemo.learner.drift;

import java.util.ArrayList;
import java.util.List;

/** Seeded test streams shared by the drift tests. */
final class Streams {

    private Streams() {
    }

    /** Bernoulli(p1) for the first {@code at} values, then Bernoulli(p2), as 0/1 doubles. */
    static double[] bernoulli(long seed, int at, int length, double p1, double p2) {
        SplitMix64 rng = new SplitMix64(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = rng.nextDouble() < (i < at ? p1 : p2) ? 1.0 : 0.0;
        }
        return x;
    }

    /** The golden stream: Bernoulli(0.2) for 1000 values, then Bernoulli(0.8) for 1000, seed 42. */
    static double[] golden() {
        return bernoulli(42L, 1000, 2000, 0.2, 0.8);
    }

    /** Gaussian with standard deviation 1, mean m1 for the first {@code at} values, then m2. */
    static double[] gaussian(long seed, int at, int length, double m1, double m2) {
        SplitMix64 rng = new SplitMix64(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = (i < at ? m1 : m2) + rng.nextGaussian();
        }
        return x;
    }

    /** Feeds {@code stream} from {@code from} (inclusive) and returns the indices where drift fired. */
    static List<Integer> detections(DriftDetector d, double[] stream, int from, int to) {
        List<Integer> hits = new ArrayList<>();
        for (int i = from; i < to; i++) {
            d.update(stream[i]);
            if (d.driftDetected()) {
                hits.add(i);
            }
        }
        return hits;
    }

    static List<Integer> detections(DriftDetector d, double[] stream) {
        return detections(d, stream, 0, stream.length);
    }
}
