package dev.mnemo.learner.strategy;

import java.util.SplittableRandom;

/** Small seeded Gaussian blobs: class c centred at a fixed random point. */
final class Synthetic {

    private Synthetic() {}

    static Batch blobs(int n, int inputs, int[] classes, int task, long seed) {
        SplittableRandom centres = new SplittableRandom(99L);
        float[][] centre = new float[16][inputs];
        for (float[] c : centre) {
            for (int j = 0; j < inputs; j++) {
                c[j] = (float) (2 * centres.nextDouble() - 1);
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[][] x = new float[n][inputs];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = classes[i % classes.length];
            for (int j = 0; j < inputs; j++) {
                x[i][j] = centre[y[i]][j] + (float) (0.3 * (random.nextDouble() - 0.5));
            }
        }
        return Batch.labelled(x, y, task);
    }
}
