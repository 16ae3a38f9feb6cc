package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.eval.ClassificationMetrics;
import dev.mnemo.learner.eval.PrequentialAccuracy;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Learning on real data: the 1,797 8x8 handwritten digits, split 80/20 by class with a fixed seed.
 * Skipped, with the fetch command in the message, when the digits file is not installed.
 */
class DigitsLearningTest {

    private static DatasetSplit digits;

    @BeforeAll
    static void loadDigits() {
        assumeTrue(
                Datasets.firstAvailable(Datasets.DIGITS).isPresent(),
                "digits data not found; fetch it with: mkdir -p ~/.cache/mnemo/datasets/python3-sklearn"
                        + " && apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb"
                        + " ~/.cache/mnemo/datasets/python3-sklearn");
        digits =
                Datasets.stratifiedSplit(
                        Datasets.digits(), Datasets.DIGITS_TEST_FRACTION, Datasets.DIGITS_SPLIT_SEED);
    }

    @Test
    void minibatchTrainingReachesHighHeldOutAccuracy() {
        LabelledData train = digits.train();
        LabelledData test = digits.test();
        assertThat(train.dimension()).isEqualTo(64);
        Classifier model = Classifier.create(MlpSpec.defaults(64, 10));
        double untrained = ClassificationMetrics.evaluate(model, test.features(), test.labels()).accuracy();

        int batch = 32;
        int epochs = 8;
        Random random = new Random(42);
        int[] order = indices(train.size());
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order, random);
            for (int from = 0; from + batch <= order.length; from += batch) {
                float[][] x = new float[batch][];
                int[] y = new int[batch];
                for (int i = 0; i < batch; i++) {
                    x[i] = train.features()[order[from + i]];
                    y[i] = train.labels()[order[from + i]];
                }
                model.train(x, y);
            }
        }
        ClassificationMetrics metrics =
                ClassificationMetrics.evaluate(model, test.features(), test.labels(), 100);

        assertThat(model.version()).isEqualTo((long) epochs * (train.size() / batch));
        assertThat(untrained).isLessThan(0.3);
        assertThat(metrics.count()).isEqualTo(test.size());
        assertThat(metrics.accuracy()).isGreaterThan(0.93);
        for (int c = 0; c < 10; c++) {
            assertThat(metrics.recall(c)).as("recall of digit %d", c).isGreaterThan(0.75);
        }
    }

    @Test
    void onePrequentialPassLearnsTheStream() {
        LabelledData train = digits.train();
        Classifier model = Classifier.create(MlpSpec.defaults(64, 10));
        PrequentialAccuracy accuracy = new PrequentialAccuracy(500);

        int batch = 16;
        for (int from = 0; from + batch <= train.size(); from += batch) {
            float[][] x = Arrays.copyOfRange(train.features(), from, from + batch);
            int[] y = Arrays.copyOfRange(train.labels(), from, from + batch);
            int[] predicted = model.predict(x).predictedClass();
            for (int i = 0; i < batch; i++) {
                accuracy.update(predicted[i] == y[i]);
            }
            model.train(x, y);
        }

        // One pass over 1,424 samples: the recent window is far above the 10% of chance and above
        // the cumulative estimate, which still carries the untrained start.
        assertThat(accuracy.count()).isEqualTo(1424L);
        assertThat(accuracy.windowAccuracy()).isGreaterThan(0.8);
        assertThat(accuracy.windowAccuracy()).isGreaterThan(accuracy.accuracy());
    }

    private static int[] indices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
