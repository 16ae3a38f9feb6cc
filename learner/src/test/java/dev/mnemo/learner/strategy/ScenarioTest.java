package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.learner.model.Predictions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Class-, task- and domain-incremental helpers. */
class ScenarioTest {

    private static final MlpSpec SPEC = new MlpSpec(8, List.of(16), 6, 1e-2, 1.0, 5L);

    @Test
    void taskIncrementalPredictionIsMaskedToTheTasksClasses() {
        TaskIncremental scenario = TaskIncremental.split(6, 2);
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        float[][] x = Synthetic.blobs(6, 8, new int[] {0, 1, 2, 3, 4, 5}, 0, 1L).features();
        int[] tasks = {0, 1, 2, 0, 1, 2};
        Predictions p = scenario.predict(model, x, tasks);
        for (int i = 0; i < x.length; i++) {
            int[] allowed = scenario.classesOf(tasks[i]);
            double sum = 0;
            for (int c = 0; c < 6; c++) {
                boolean in = c == allowed[0] || c == allowed[1];
                if (!in) {
                    assertThat(p.probabilities()[i][c]).isZero();
                }
                sum += p.probabilities()[i][c];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-6));
            assertThat(p.predictedClass()[i]).isIn(allowed[0], allowed[1]);
        }
    }

    @Test
    void taskIncrementalTrainingGivesMaskedClassesNoGradient() {
        TaskIncremental scenario = TaskIncremental.split(6, 2);
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer = new ContinualTrainer(model, scenario, List.of());
        float[] before = model.layerParameters(1);
        for (int s = 0; s < 10; s++) {
            trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, s));
        }
        float[] after = model.layerParameters(1);
        int fanIn = 16;
        int classes = 6;
        for (int c = 0; c < classes; c++) {
            float[] wBefore = Arrays.copyOfRange(before, c * fanIn, (c + 1) * fanIn);
            float[] wAfter = Arrays.copyOfRange(after, c * fanIn, (c + 1) * fanIn);
            float bBefore = before[fanIn * classes + c];
            float bAfter = after[fanIn * classes + c];
            if (c == 2 || c == 3) {
                assertThat(wAfter).as("weights of trained class %d", c).isNotEqualTo(wBefore);
                assertThat(bAfter).as("bias of trained class %d", c).isNotEqualTo(bBefore);
            } else {
                assertThat(wAfter).as("weights of masked class %d", c).isEqualTo(wBefore);
                assertThat(bAfter).as("bias of masked class %d", c).isEqualTo(bBefore);
            }
        }
    }

    @Test
    void taskIncrementalRejectsUnknownTasksAndLabelsOutsideTheTask() {
        TaskIncremental scenario = TaskIncremental.split(6, 2);
        assertThatThrownBy(() -> scenario.classMask(new int[] {3}, 6)).hasMessageContaining("[0, 3)");
        ContinualTrainer trainer =
                new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS), scenario, List.of());
        assertThatThrownBy(() -> trainer.step(Synthetic.blobs(4, 8, new int[] {4}, 0, 1L)))
                .hasMessageContaining("including the label 4");
        assertThatThrownBy(() -> TaskIncremental.split(6, 4)).hasMessageContaining("divide");
    }

    @Test
    void classIncrementalRestrictsNothing() {
        assertThat(new ClassIncremental().classMask(new int[] {0, 3}, 6)).isNull();
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        float[][] x = Synthetic.blobs(3, 8, new int[] {0}, 0, 1L).features();
        assertThat(new ClassIncremental().predict(model, x, new int[3]).probabilities())
                .isDeepEqualTo(model.predict(x).probabilities());
    }

    @Test
    void domainIncrementalPermutationsAreSeededAndFixedPerTask() {
        DomainIncremental domains = new DomainIncremental(64, 42L);
        int[] identity = domains.permutation(0);
        for (int j = 0; j < 64; j++) {
            assertThat(identity[j]).isEqualTo(j);
        }
        int[] p1 = domains.permutation(1);
        int[] sorted = p1.clone();
        Arrays.sort(sorted);
        assertThat(sorted).isEqualTo(identity);
        assertThat(p1).isNotEqualTo(identity);
        assertThat(domains.permutation(2)).isNotEqualTo(p1);
        assertThat(new DomainIncremental(64, 42L).permutation(1)).isEqualTo(p1);
        assertThat(new DomainIncremental(64, 43L).permutation(1)).isNotEqualTo(p1);

        float[][] x = {new float[64]};
        for (int j = 0; j < 64; j++) {
            x[0][j] = j;
        }
        float[][] moved = domains.apply(x, 1);
        for (int j = 0; j < 64; j++) {
            assertThat(moved[0][j]).isEqualTo((float) p1[j]);
        }
        assertThat(domains.classMask(new int[] {1}, 10)).isNull();
    }
}
