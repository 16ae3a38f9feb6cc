package dev.mnemo.learner.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The blocked sample-space fit gives the scores of the previous computation
 * ({@link SampleSpaceReference}), at the drift check's size (300 fitted rows of 800 ReLU-like
 * features, 10 classes) and at odd sizes that leave partial blocks.
 */
class MahalanobisSpeedUpTest {

    @Test
    void theDriftChecksSizeScoresAsBefore() {
        sameScores(300, 800, 10, 400, 1L);
    }

    @Test
    void partialBlocksScoreAsBefore() {
        sameScores(13, 40, 3, 17, 2L);
        sameScores(2, 5, 2, 3, 3L);
        sameScores(9, 10, 4, 9, 4L);
    }

    @Test
    void theBlockedSolveIsTheRowAtATimeSolveToTheBit() {
        SplittableRandom random = new SplittableRandom(9L);
        int n = 23;
        double[][] a = new double[n][n];
        double[][] z = relu(n, 31, random);
        double[][] g = Mahalanobis.gram(z);
        for (int i = 0; i < n; i++) {
            g[i][i] += 1.0;
            System.arraycopy(g[i], 0, a[i], 0, n);
        }
        double[][] l = Mahalanobis.cholesky(a);
        double[][] blocked = copy(z);
        Mahalanobis.solveLowerInPlace(l, blocked);
        double[][] rowByRow = copy(z);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                if (l[i][k] != 0.0) {
                    for (int c = 0; c < rowByRow[i].length; c++) {
                        rowByRow[i][c] -= l[i][k] * rowByRow[k][c];
                    }
                }
            }
            for (int c = 0; c < rowByRow[i].length; c++) {
                rowByRow[i][c] /= l[i][i];
            }
        }
        assertThat(blocked).isDeepEqualTo(rowByRow);
    }

    private static void sameScores(int n, int d, int classes, int probes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] fit = toFloat(relu(n, d, random));
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < d; j++) {
                fit[i][j] += labels[i] == j % classes ? 0.5f : 0f;   // classes apart
            }
        }
        float[][] probe = toFloat(relu(probes, d, random));
        double[] expected = SampleSpaceReference.fit(fit, labels, classes, Mahalanobis.DEFAULT_SHRINKAGE).score(probe);
        double[] actual = Mahalanobis.fit(fit, labels, classes, Mahalanobis.DEFAULT_SHRINKAGE, 0L).score(probe);
        double[] inSample = Mahalanobis.fit(fit, labels, classes, Mahalanobis.DEFAULT_SHRINKAGE, 0L).score(fit);
        double[] inSampleBefore = SampleSpaceReference.fit(fit, labels, classes, Mahalanobis.DEFAULT_SHRINKAGE).score(fit);
        for (int i = 0; i < probes; i++) {
            assertThat(actual[i]).as("n %d, d %d, probe %d", n, d, i)
                    .isCloseTo(expected[i], within(1e-9 * Math.max(1.0, Math.abs(expected[i]))));
        }
        for (int i = 0; i < n; i++) {
            // In-sample distances are small differences of large terms, and still agree.
            assertThat(inSample[i]).as("n %d, d %d, fitted row %d", n, d, i)
                    .isCloseTo(inSampleBefore[i], within(1e-9 * Math.max(1.0, Math.abs(inSampleBefore[i]))));
        }
    }

    /** Rows like ReLU features: about half zero, the rest positive. */
    private static double[][] relu(int n, int d, SplittableRandom random) {
        double[][] z = new double[n][d];
        for (double[] row : z) {
            for (int j = 0; j < d; j++) {
                row[j] = Math.max(0.0, random.nextGaussian() + 0.2 * (j % 7));
            }
        }
        return z;
    }

    private static float[][] toFloat(double[][] x) {
        float[][] f = new float[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                f[i][j] = (float) x[i][j];
            }
        }
        return f;
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }
}
