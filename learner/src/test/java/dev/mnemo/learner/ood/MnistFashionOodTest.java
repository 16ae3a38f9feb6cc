package dev.mnemo.learner.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.model.Activations;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On real data: the default MLP trained briefly on MNIST, scored on MNIST test images against
 * Fashion-MNIST test images. The Mahalanobis scores separate them; thresholds calibrated on
 * in-distribution data flag about the intended fraction of it.
 */
class MnistFashionOodTest {

    private static Classifier model;
    private static LabelledData train;
    private static float[][] in;
    private static float[][] out;

    @BeforeAll
    static void train() {
        assumeTrue(Datasets.firstAvailable(Datasets.MNIST).isPresent()
                && Datasets.firstAvailable(Datasets.FASHION_MNIST).isPresent(), "MNIST and Fashion-MNIST are needed");
        DatasetSplit mnist = Datasets.mnist();
        train = mnist.train();
        model = Classifier.create(MlpSpec.defaults(784, 10));
        for (int from = 0; from + 64 <= 12_800; from += 64) {
            model.train(Arrays.copyOfRange(train.features(), from, from + 64),
                    Arrays.copyOfRange(train.labels(), from, from + 64));
        }
        in = Arrays.copyOf(mnist.test().features(), 1_000);
        out = Arrays.copyOf(Datasets.fashionMnist().test().features(), 1_000);
    }

    @Test
    void mahalanobisSeparatesMnistFromFashion() {
        float[][] fx = Arrays.copyOfRange(train.features(), 20_000, 23_000);
        int[] fy = Arrays.copyOfRange(train.labels(), 20_000, 23_000);
        Mahalanobis last = Mahalanobis.fit(model, fx, fy);
        Mahalanobis first = Mahalanobis.fit(model, 0, fx, fy);
        double aurocLast = OodMetrics.auroc(last.score(model, in), last.score(model, out));
        double aurocFirst = OodMetrics.auroc(first.score(model, in), first.score(model, out));
        assertThat(aurocLast).isGreaterThan(0.85);
        assertThat(aurocFirst).isGreaterThan(0.95);
        assertThat(last.modelVersion()).isEqualTo(model.version());
        assertThat(last.isStale(model, 0)).isFalse();
        assertThat(last.dimension()).isEqualTo(128);
        assertThat(first.dimension()).isEqualTo(256);
        assertThat(first.name()).isEqualTo("Mahalanobis (hidden layer 0)");
        // The penultimate layer's scorer works from shared activations; the others refuse them.
        Activations a = model.activations(in);
        assertThat(last.score(a)).containsExactly(last.score(model, in));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.score(a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score(model, inputs)");
    }

    @Test
    void everyScorerRanksFashionAboveMnistAndCalibratedThresholdsHoldTheirRate() {
        float[][] calibration = Arrays.copyOfRange(train.features(), 30_000, 32_000);
        for (OodScorer s : List.of(new MaxSoftmax(), new Energy())) {
            double[] si = s.score(model, in);
            double[] so = s.score(model, out);
            // Better than chance, no more: on this pair the logit-based scores are weak for an MLP
            // (the drift bench reports about 0.7-0.85), which is why Mahalanobis exists.
            assertThat(OodMetrics.auroc(si, so)).as(s.name()).isGreaterThan(0.5);
            QuantileThreshold t = QuantileThreshold.calibrate(s.score(model, calibration), 0.95);
            assertThat(t.fractionNovel(si)).as(s.name()).isBetween(0.01, 0.12);
            assertThat(t.fractionNovel(so)).as(s.name()).isGreaterThan(t.fractionNovel(si));
        }
    }

    @Test
    void activationsAgreeWithPredictions() {
        float[][] x = Arrays.copyOf(in, 32);
        Activations a = model.activations(x);
        float[][] p = model.predict(x).probabilities();
        for (int i = 0; i < x.length; i++) {
            assertThat(1.0 - MaxSoftmax.maxProbability(a.logits()[i]))
                    .isCloseTo(1.0 - max(p[i]), org.assertj.core.api.Assertions.within(1e-5));
        }
        float[][][] hidden = model.hiddenActivations(x);
        assertThat(hidden.length).isEqualTo(2);
        assertThat(hidden[1]).isDeepEqualTo(a.penultimate());
    }

    private static double max(float[] p) {
        double m = 0;
        for (float v : p) {
            m = Math.max(m, v);
        }
        return m;
    }
}
