package dev.mnemo.learner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void goldenConfusionMatrix() {
        int[] labels = {0, 0, 1, 1, 1, 2, 2, 2};
        int[] predicted = {0, 1, 1, 1, 2, 2, 2, 0};

        ClassificationMetrics m = ClassificationMetrics.of(3, labels, predicted);

        assertThat(m.confusionMatrix()).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 1}, {1, 0, 2}});
        assertThat(m.count()).isEqualTo(8);
        assertThat(m.correct()).isEqualTo(5);
        assertThat(m.accuracy()).isEqualTo(0.625);
        assertThat(m.recall(0)).isEqualTo(0.5);
        assertThat(m.recall(1)).isEqualTo(2 / 3.0);
        assertThat(m.count(2, 0)).isEqualTo(1);
        assertThat(m.classes()).isEqualTo(3);
    }

    @Test
    void emptySetHasNaNAccuracy() {
        ClassificationMetrics m = ClassificationMetrics.of(2, new int[0], new int[0]);

        assertThat(m.count()).isZero();
        assertThat(m.accuracy()).isNaN();
        assertThat(m.recall(1)).isNaN();
    }

    @Test
    void confusionMatrixIsACopy() {
        ClassificationMetrics m = ClassificationMetrics.of(2, new int[] {0, 1}, new int[] {0, 1});

        m.confusionMatrix()[0][0] = 99;

        assertThat(m.count(0, 0)).isEqualTo(1);
    }

    @Test
    void evaluateAgreesWithPredictForAnyBatchSize() {
        MlpSpec spec = new MlpSpec(5, List.of(12), 4, 0.01, 1.0, 3L);
        Classifier model = Classifier.create(spec);
        SplittableRandom random = new SplittableRandom(9);
        float[][] x = new float[23][5];
        int[] y = new int[23];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 5; j++) {
                x[i][j] = (float) random.nextGaussian();
            }
            y[i] = random.nextInt(4);
        }
        for (int step = 0; step < 30; step++) {
            model.train(x, y);
        }
        ClassificationMetrics expected =
                ClassificationMetrics.of(4, y, model.predict(x).predictedClass());

        for (int batch : new int[] {1, 5, 23, 100}) {
            ClassificationMetrics m = ClassificationMetrics.evaluate(model, x, y, batch);
            assertThat(m.confusionMatrix()).as("batch %d", batch).isDeepEqualTo(expected.confusionMatrix());
        }
        assertThat(ClassificationMetrics.evaluate(model, x, y).accuracy())
                .isEqualTo(expected.accuracy());
        assertThat(model.version()).as("evaluation does not train").isEqualTo(30);
    }

    @Test
    void rejectsInconsistentInput() {
        Classifier model = Classifier.create(new MlpSpec(2, List.of(), 3, 0.01, 1.0, 1L));
        float[][] x = {{0, 1}, {1, 0}};

        assertThatThrownBy(() -> ClassificationMetrics.evaluate(model, x, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be equal");
        assertThatThrownBy(() -> ClassificationMetrics.evaluate(model, x, new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[1] = 3 is out of range; it must be in [0, 3)");
        assertThatThrownBy(() -> ClassificationMetrics.evaluate(model, x, new int[] {0, 1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> ClassificationMetrics.of(1, new int[0], new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("classes must be >= 2, got 1");
        assertThatThrownBy(() -> ClassificationMetrics.of(2, new int[] {0}, new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predicted[0] = 2 is out of range; it must be in [0, 2)");
    }
}
