package dev.mnemo.learner.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mnemo.learner.model.Activations;
import org.junit.jupiter.api.Test;

/** Exact values of the scores on hand-made logits and features. */
class ScorersTest {

    private static Activations logits(float[]... rows) {
        float[][] h = new float[rows.length][1];
        return new Activations(h, rows);
    }

    @Test
    void energyIsMinusTLogSumExpOfLogitsOverT() {
        assertThat(Energy.energy(new float[] {0, 0}, 1.0)).isCloseTo(-Math.log(2), within(1e-12));
        assertThat(Energy.energy(new float[] {2, 4}, 2.0))
                .isCloseTo(-2 * Math.log(Math.exp(1) + Math.exp(2)), within(1e-12));
        // Large logits do not overflow.
        assertThat(Energy.energy(new float[] {1000, 1000}, 1.0)).isCloseTo(-1000 - Math.log(2), within(1e-9));
        double[] s = new Energy().score(logits(new float[] {10, 0, 0}, new float[] {1, 1, 1}));
        assertThat(s[0]).isLessThan(s[1]);   // the confident sample is less novel
        assertThat(s[1]).isCloseTo(-1 - Math.log(3), within(1e-6));
    }

    @Test
    void maxSoftmaxIsOneMinusTheLargestProbability() {
        double[] s = new MaxSoftmax().score(logits(new float[] {0, 0}, new float[] {(float) Math.log(3), 0}));
        assertThat(s[0]).isCloseTo(0.5, within(1e-12));
        assertThat(s[1]).isCloseTo(0.25, within(1e-7));
    }

    @Test
    void mahalanobisOnAKnownCovariance() {
        // Class 0 around (0, 0) and class 1 around (10, 0); within-class variance 0.5 on x and 2 on y,
        // no correlation.
        float[][] f = {{1, 0}, {-1, 0}, {0, 2}, {0, -2}, {11, 0}, {9, 0}, {10, 2}, {10, -2}};
        int[] y = {0, 0, 0, 0, 1, 1, 1, 1};
        Mahalanobis m = Mahalanobis.fit(f, y, 2, 1e-6, 7L);
        double ridge = 1e-6 * 1.25;
        double[] s = m.score(new float[][] {{0, 0}, {1, 0}, {0, 2}, {10, 1}, {5, 0}});
        assertThat(s[0]).isCloseTo(0.0, within(1e-12));
        assertThat(s[1]).isCloseTo(1 / (0.5 + ridge), within(1e-9));
        assertThat(s[2]).isCloseTo(4 / (2 + ridge), within(1e-9));
        assertThat(s[3]).isCloseTo(1 / (2 + ridge), within(1e-9));
        assertThat(s[4]).isCloseTo(25 / (0.5 + ridge), within(1e-6));
        assertThat(m.dimension()).isEqualTo(2);
        assertThat(m.classCount()).isEqualTo(2);
        assertThat(m.modelVersion()).isEqualTo(7L);
    }

    @Test
    void choleskyAndTheTriangularInverseReconstructACorrelatedMatrix() {
        int d = 37;
        java.util.SplittableRandom random = new java.util.SplittableRandom(3L);
        double[][] b = new double[d][d];
        for (double[] row : b) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        double[][] a = new double[d][d];   // B B^T + I: symmetric positive definite, every entry correlated
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = i == j ? 1.0 : 0.0;
                for (int k = 0; k < d; k++) {
                    sum += b[i][k] * b[j][k];
                }
                a[i][j] = sum;
            }
        }
        double[][] l = Mahalanobis.cholesky(a);
        double[][] inverse = Mahalanobis.invertLower(l);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double llt = 0.0;
                double il = 0.0;
                for (int k = 0; k < d; k++) {
                    llt += l[i][k] * l[j][k];
                    il += inverse[i][k] * l[k][j];
                }
                assertThat(llt).as("(L L^T)[%d][%d]", i, j).isCloseTo(a[i][j], within(1e-9));
                assertThat(il).as("(L^-1 L)[%d][%d]", i, j).isCloseTo(i == j ? 1.0 : 0.0, within(1e-9));
                if (j > i) {
                    assertThat(l[i][j]).isZero();
                    assertThat(inverse[i][j]).isZero();
                }
            }
        }
    }

    @Test
    void mahalanobisScoresCorrelatedFeaturesAsTheDefinitionSays() {
        scoresAsTheDefinitionSays(6, 40);
    }

    @Test
    void mahalanobisWithFewerSamplesThanFeaturesScoresAsTheDefinitionSays() {
        // The sample-space (Woodbury) form: the covariance has rank below n, the ridge does the rest.
        scoresAsTheDefinitionSays(50, 20);
        scoresAsTheDefinitionSays(30, 28);
    }

    private static void scoresAsTheDefinitionSays(int d, int n) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5L);
        float[][] f = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            double shared = random.nextGaussian();
            for (int j = 0; j < d; j++) {
                f[i][j] = (float) (3 * y[i] + shared * (j + 1) + random.nextGaussian());   // correlated columns
            }
        }
        double shrinkage = 1e-3;
        Mahalanobis m = Mahalanobis.fit(f, y, 2, shrinkage, 0L);
        double[][] mu = new double[2][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mu[y[i]][j] += f[i][j] / (n / 2.0);
            }
        }
        double[][] cov = new double[d][d];
        double trace = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                for (int i = 0; i < n; i++) {
                    cov[a][b] += (f[i][a] - mu[y[i]][a]) * (f[i][b] - mu[y[i]][b]) / n;
                }
            }
            trace += cov[a][a];
        }
        for (int a = 0; a < d; a++) {
            cov[a][a] += shrinkage * trace / d;
        }
        double[][] w = Mahalanobis.invertLower(Mahalanobis.cholesky(cov));
        float[][] probes = {f[0], f[1], new float[d], new float[d]};
        for (int j = 0; j < d; j++) {
            probes[2][j] = j;
            probes[3][j] = j % 2 == 0 ? 9 : -9;
        }
        double[] scores = m.score(probes);
        for (int p = 0; p < probes.length; p++) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] centre : mu) {
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    double g = 0;
                    for (int k = 0; k < d; k++) {
                        g += w[i][k] * (probes[p][k] - centre[k]);
                    }
                    sum += g * g;
                }
                best = Math.min(best, sum);
            }
            assertThat(scores[p]).as("d %d, n %d, probe %d", d, n, p).isCloseTo(best, within(1e-6 * Math.max(1, best)));
        }
    }

    @Test
    void mahalanobisLeavesAbsentClassesOutAndChecksWidths() {
        float[][] f = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        Mahalanobis m = Mahalanobis.fit(f, new int[] {2, 2, 2, 2}, 5, 1e-3, 0);
        assertThat(m.classCount()).isEqualTo(1);
        assertThatThrownBy(() -> m.score(new float[][] {{1, 2, 3}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fitted on 2");
        assertThatThrownBy(() -> Mahalanobis.fit(f, new int[] {0, 0, 0, 9}, 5, 1e-3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [0, 5)");
        assertThatThrownBy(() -> Mahalanobis.fit(f, new int[] {0, 0, 0, 0}, 5, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shrinkage must be in (0, 1]");
    }

    @Test
    void quantileThreshold() {
        double[] scores = new double[100];
        for (int i = 0; i < 100; i++) {
            scores[99 - i] = i + 1;   // 1..100, unsorted
        }
        QuantileThreshold t = QuantileThreshold.calibrate(scores, 0.95);
        assertThat(t.threshold()).isEqualTo(95.0);
        assertThat(t.calibrationSize()).isEqualTo(100);
        assertThat(t.fractionNovel(scores)).isEqualTo(0.05);
        assertThat(t.isNovel(95.0)).isFalse();
        assertThat(t.isNovel(95.5)).isTrue();
        assertThat(scores[0]).isEqualTo(100.0);   // the caller's array is not sorted in place
        assertThat(QuantileThreshold.calibrate(new double[] {3}, 0.5).threshold()).isEqualTo(3.0);
        assertThatThrownBy(() -> QuantileThreshold.calibrate(scores, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantile must be in (0, 1)");
        assertThatThrownBy(() -> QuantileThreshold.calibrate(new double[0], 0.9))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
