package dev.mnemo.learner.ood;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Two Gaussian classes in 8 dimensions learnt by a small MLP; inputs far from both are novel. The
 * Mahalanobis fit belongs to a model version and is refitted after training.
 */
class CalibratedScorerTest {

    private static float[][] gaussian(SplittableRandom r, int n, double shift) {
        float[][] x = new float[n][8];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 8; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j == 0 ? shift : 0.0));
            }
        }
        return x;
    }

    @Test
    void flagsAboutTheCalibratedRateInDistributionAndMostOfAFarCluster() {
        SplittableRandom r = new SplittableRandom(9);
        Classifier model = Classifier.create(new MlpSpec(8, List.of(32, 16), 2, 1e-2, 1.0, 3L));
        float[][] a = gaussian(r, 600, -2);
        float[][] b = gaussian(r, 600, 2);
        float[][] x = new float[1200][];
        int[] y = new int[1200];
        for (int i = 0; i < 600; i++) {
            x[2 * i] = a[i];
            y[2 * i] = 0;
            x[2 * i + 1] = b[i];
            y[2 * i + 1] = 1;
        }
        for (int from = 0; from < 1200; from += 50) {
            model.train(java.util.Arrays.copyOfRange(x, from, from + 50), java.util.Arrays.copyOfRange(y, from, from + 50));
        }
        Mahalanobis maha = Mahalanobis.fit(model, java.util.Arrays.copyOf(x, 800), java.util.Arrays.copyOf(y, 800));
        assertThat(maha.isStale(model, 0)).isFalse();
        CalibratedScorer c = CalibratedScorer.calibrate(model, maha, java.util.Arrays.copyOfRange(x, 800, 1200), 0.9);
        assertThat(c.modelVersion()).isEqualTo(model.version());
        assertThat(c.threshold().calibrationSize()).isEqualTo(400);
        float[][] freshIn = new float[400][];
        for (int i = 0; i < 400; i++) {
            freshIn[i] = gaussian(r, 1, i % 2 == 0 ? -2 : 2)[0];
        }
        float[][] far = new float[200][8];
        for (float[] row : far) {
            for (int j = 0; j < 8; j++) {
                row[j] = (float) (r.nextGaussian() + 8.0);
            }
        }
        assertThat(c.fractionNovel(model, freshIn)).isBetween(0.03, 0.2);
        assertThat(c.fractionNovel(model, far)).isGreaterThan(0.9);
        boolean[] flags = c.novel(model, far);
        assertThat(flags).hasSize(200);

        // After more training the fit is stale; a refit is tagged with the new version.
        model.train(java.util.Arrays.copyOf(x, 50), java.util.Arrays.copyOf(y, 50));
        assertThat(maha.isStale(model, 0)).isTrue();
        assertThat(maha.isStale(model, 1)).isFalse();
        Mahalanobis refit = Mahalanobis.fit(model, java.util.Arrays.copyOf(x, 800), java.util.Arrays.copyOf(y, 800));
        assertThat(refit.modelVersion()).isEqualTo(model.version());
        assertThat(refit).isNotEqualTo(maha);
    }
}
