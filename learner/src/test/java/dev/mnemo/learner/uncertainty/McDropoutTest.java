package dev.mnemo.learner.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class McDropoutTest {

    @Test
    void passesThatDisagreeCompletelyGiveMutualInformationLn2() {
        // 2 passes, 1 sample: [1, 0] then [0, 1].
        McDropout.Result r = McDropout.summarise(new double[][] {{1, 0}, {0, 1}}, 2, 1);
        assertThat(r.meanProbabilities()[0]).containsExactly(0.5, 0.5);
        assertThat(r.predictiveEntropy()[0]).isCloseTo(Math.log(2), within(1e-12));
        assertThat(r.mutualInformation()[0]).isCloseTo(Math.log(2), within(1e-12));
        assertThat(r.perClassStd()[0]).containsExactly(0.5, 0.5);
    }

    @Test
    void passesThatAgreeGiveNoMutualInformation() {
        // 3 passes, 2 samples; sample 0 always [0.5, 0.5] (aleatoric only), sample 1 always [0.9, 0.1].
        double[][] tiled = {{0.5, 0.5}, {0.9, 0.1}, {0.5, 0.5}, {0.9, 0.1}, {0.5, 0.5}, {0.9, 0.1}};
        McDropout.Result r = McDropout.summarise(tiled, 3, 2);
        assertThat(r.predictiveEntropy()[0]).isCloseTo(Math.log(2), within(1e-12));
        assertThat(r.mutualInformation()[0]).isCloseTo(0.0, within(1e-12));
        assertThat(r.predictedClass()[1]).isZero();
        assertThat(r.predictiveEntropy()[1]).isCloseTo(-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)), within(1e-12));
        assertThat(r.perClassStd()[1][0]).isCloseTo(0.0, within(1e-12));
        assertThat(r.meanMutualInformation()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void mixedPassesGiveTheTextbookValues() {
        // 2 passes on 1 sample: [0.8, 0.2] and [0.4, 0.6]; mean [0.6, 0.4].
        McDropout.Result r = McDropout.summarise(new double[][] {{0.8, 0.2}, {0.4, 0.6}}, 2, 1);
        double h = -(0.6 * Math.log(0.6) + 0.4 * Math.log(0.4));
        double e = (-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2)) - (0.4 * Math.log(0.4) + 0.6 * Math.log(0.6))) / 2;
        assertThat(r.predictiveEntropy()[0]).isCloseTo(h, within(1e-12));
        assertThat(r.mutualInformation()[0]).isCloseTo(h - e, within(1e-12));
        assertThat(r.perClassStd()[0][0]).isCloseTo(0.2, within(1e-12));
        assertThat(r.predictedClassStd(0)).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void onAClassifierTheOneTiledPassIsReproducibleAndStochastic() {
        Classifier model = Classifier.create(new MlpSpec(8, List.of(16, 12), 3, 1e-2, 1.0, 5L));
        SplittableRandom r = new SplittableRandom(1);
        float[][] x = new float[4][8];
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        float[][] a = model.dropoutLogits(x, 5, 0.7, 11L);
        float[][] b = model.dropoutLogits(x, 5, 0.7, 11L);
        float[][] c = model.dropoutLogits(x, 5, 0.7, 12L);
        assertThat(a).hasDimensions(20, 3).isDeepEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a[0]).isNotEqualTo(a[4]);   // pass 0 and pass 1 of sample 0 differ
        // keep = 1 turns dropout off: every pass equals the deterministic logits.
        float[][] det = model.activations(x).logits();
        float[][] off = model.dropoutLogits(x, 3, 1.0, 1L);
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < 4; i++) {
                for (int k = 0; k < 3; k++) {
                    assertThat(off[p * 4 + i][k]).isCloseTo(det[i][k], within(1e-5f));
                }
            }
        }
        McDropout.Result res = new McDropout(10, 0.7, 3L).estimate(model, x);
        assertThat(res.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(res.mutualInformation()[i]).isGreaterThanOrEqualTo(0.0)
                    .isLessThanOrEqualTo(res.predictiveEntropy()[i] + 1e-12);
        }
        assertThat(res.meanMutualInformation()).isGreaterThan(0.0);
        assertThat(McDropout.forModel(model).keep()).isEqualTo(McDropout.DEFAULT_KEEP);
        assertThat(McDropout.forModel(Classifier.create(model.spec().withDropoutKeep(0.8))).keep()).isEqualTo(0.8);
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> new McDropout(1, 0.9, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passes must be >= 2");
        assertThatThrownBy(() -> new McDropout(10, 1.0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep (probability of keeping a unit) must be in (0, 1)");
        assertThatThrownBy(() -> McDropout.summarise(new double[3][2], 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected passes (2) x samples (2)");
        Classifier linear = Classifier.create(new MlpSpec(4, List.of(), 2, 1e-2, 1.0, 1L));
        assertThatThrownBy(() -> linear.dropoutLogits(new float[1][4], 2, 0.5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one hidden layer");
    }
}
