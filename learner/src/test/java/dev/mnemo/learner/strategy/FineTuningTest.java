package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning-rate scaling and frozen layers. */
class FineTuningTest {

    private static final MlpSpec SPEC = new MlpSpec(8, List.of(16, 16), 4, 1e-2, 1.0, 5L);

    @Test
    void featureExtractionLeavesEverySharedLayerExactlyUnchanged() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer =
                new ContinualTrainer(model, new ClassIncremental(), List.of(FineTuning.featureExtraction(1.0)));
        float[] l0 = model.layerParameters(0);
        float[] l1 = model.layerParameters(1);
        float[] head = model.layerParameters(2);
        for (int s = 0; s < 20; s++) {
            trainer.step(Synthetic.blobs(16, 8, new int[] {0, 1, 2, 3}, 0, s));
        }
        assertThat(model.layerParameters(0)).isEqualTo(l0);
        assertThat(model.layerParameters(1)).isEqualTo(l1);
        assertThat(model.layerParameters(2)).isNotEqualTo(head);
        assertThat(model.learningRateScales()).containsExactly(0.0, 0.0, 1.0);
    }

    @Test
    void frozenLowerLayersAndASmallerRateForTheRest() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer =
                new ContinualTrainer(model, new ClassIncremental(), List.of(new FineTuning(0.01, 1)));
        float[] l0 = model.layerParameters(0);
        float[] l1 = model.layerParameters(1);
        for (int s = 0; s < 5; s++) {
            trainer.step(Synthetic.blobs(16, 8, new int[] {0, 1, 2, 3}, 0, s));
        }
        assertThat(model.layerParameters(0)).isEqualTo(l0);
        assertThat(model.layerParameters(1)).isNotEqualTo(l1);
        double[] scales = model.learningRateScales();
        assertThat(scales[0]).isZero();
        assertThat(scales[1]).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(scales[2]).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void checksItsSettings() {
        assertThatThrownBy(() -> new FineTuning(0.0, 0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new FineTuning(1.0, -1)).hasMessageContaining(">= 0");
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(), List.of(new FineTuning(1.0, 3)));
        assertThatThrownBy(() -> trainer.step(Synthetic.blobs(4, 8, new int[] {0}, 0, 1L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot freeze 3 layers");
    }
}
