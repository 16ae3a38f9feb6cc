package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written dense step gives Deeplearning4j's numbers: the same logits, the same loss and
 * gradients for every kind of row the learner trains on (labelled, unlabelled, masked, with and
 * without teacher probabilities), and the same parameters and Adam state after several steps with a
 * frozen layer that thaws. Deeplearning4j's own path is run on a clone of the same network.
 */
class DenseStepTest {

    private static final int INPUTS = 20;
    private static final int CLASSES = 5;
    private static final MlpSpec SPEC = new MlpSpec(INPUTS, List.of(16, 12), CLASSES, 1e-2, 1.0, 7L);

    /** A batch with labelled, unlabelled and masked rows, and teacher probabilities with partial support. */
    private record Rows(float[][] x, int[] y, float[][] q, float[][] mask) {

        static Rows random(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[][] x = new float[n][INPUTS];
            int[] y = new int[n];
            float[][] q = new float[n][CLASSES];
            float[][] mask = new float[n][];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < INPUTS; j++) {
                    x[i][j] = (float) (random.nextDouble() * 2 - 1);
                }
                y[i] = i % 4 == 3 ? -1 : random.nextInt(CLASSES);
                double sum = 0;
                for (int c = 0; c < CLASSES; c++) {
                    // The teacher knew classes 0-2 only: zero outside its support.
                    q[i][c] = c < 3 ? (float) (0.1 + random.nextDouble()) : 0f;
                    sum += q[i][c];
                }
                for (int c = 0; c < CLASSES; c++) {
                    q[i][c] /= (float) sum;
                }
                if (i % 3 == 1) {
                    mask[i] = new float[CLASSES];
                    mask[i][c(y[i])] = 1f;
                    mask[i][(c(y[i]) + 1) % CLASSES] = 1f;
                    mask[i][(c(y[i]) + 3) % CLASSES] = 1f;
                } else {
                    mask[i] = allOnes();
                }
            }
            return new Rows(x, y, q, mask);
        }

        private static int c(int label) {
            return Math.max(label, 0);
        }

        private static float[] allOnes() {
            float[] row = new float[CLASSES];
            java.util.Arrays.fill(row, 1f);
            return row;
        }

        /** Every row labelled: an unlabelled row's label becomes class 0 (for the softmax head). */
        int[] hardLabels() {
            int[] out = new int[y.length];
            for (int i = 0; i < y.length; i++) {
                out[i] = Math.max(y[i], 0);
            }
            return out;
        }

        /** One-hot rows of {@link #hardLabels()}, Deeplearning4j's labels for the softmax head. */
        INDArray oneHot() {
            int[] labels = hardLabels();
            float[][] out = new float[labels.length][CLASSES];
            for (int i = 0; i < labels.length; i++) {
                out[i][labels[i]] = 1f;
            }
            return Nd4j.create(out).castTo(DataType.FLOAT);
        }

        INDArray input() {
            return Nd4j.create(x).castTo(DataType.FLOAT);
        }

        /** Deeplearning4j's labels for {@link DistillationLoss}: [hard one-hot with -1 masks | q]. */
        INDArray targets(boolean withSoft) {
            float[][] t = new float[y.length][2 * CLASSES];
            for (int i = 0; i < y.length; i++) {
                for (int c = 0; c < CLASSES; c++) {
                    if (mask[i][c] == 0f) {
                        t[i][c] = -1f;
                    }
                    if (withSoft) {
                        t[i][CLASSES + c] = q[i][c];
                    }
                }
                if (y[i] >= 0) {
                    t[i][y[i]] = 1f;
                }
            }
            return Nd4j.create(t).castTo(DataType.FLOAT);
        }
    }

    @Test
    void theFastPathCoversTheNetworksTheClassifierBuildsWithoutDropout() {
        assertThat(DenseStep.supports(Classifier.create(SPEC, OutputHead.LOGITS).network())).isTrue();
        assertThat(DenseStep.supports(Classifier.create(SPEC, OutputHead.SOFTMAX).network())).isTrue();
        MlpSpec dropout = new MlpSpec(INPUTS, List.of(16, 12), CLASSES, 1e-2, 0.8, 7L);
        assertThat(DenseStep.supports(Classifier.create(dropout, OutputHead.LOGITS).network())).isFalse();
    }

    @Test
    void logitsMatchTheNetworksOwnInferencePass() {
        MultiLayerNetwork net = Classifier.create(SPEC, OutputHead.LOGITS).network();
        Rows rows = Rows.random(9, 1L);
        INDArray expected = net.output(rows.input(), false);
        INDArray actual = DenseStep.of(net).logits(rows.input()).dup();
        assertClose(actual, expected, 1e-5);
    }

    @Test
    void batchesOfChangingSizeGiveTheSameLogitsAndGradients() {
        MultiLayerNetwork net = Classifier.create(SPEC, OutputHead.LOGITS).network();
        MultiLayerNetwork reference = net.clone();
        DenseStep step = DenseStep.of(net);
        // Growing, shrinking (views of the larger arrays) and growing again, for both passes.
        for (int n : new int[] {5, 12, 3, 12, 7, 20}) {
            Rows rows = Rows.random(n, 30L + n);
            assertClose(step.logits(rows.input()).dup(), reference.output(rows.input(), false), 1e-5);
            double loss = step.gradient(rows.input(), rows.y(), rows.q(), rows.mask(), 2.0, 0.5);
            distillation(reference).setTemperature(2.0);
            distillation(reference).setLambda(0.5);
            reference.setInput(rows.input());
            reference.setLabels(rows.targets(true));
            reference.computeGradientAndScore();
            assertThat(loss).as("loss at %d rows", n).isCloseTo(reference.score(), within(1e-5));
            assertClose(net.getFlattenedGradients(), reference.gradient().gradient().dup().divi(n), 1e-5);
        }
    }

    @Test
    void aStepOnRowsJustPredictedReusesTheirOutputsAndTakesTheSameStep() {
        Classifier reusing = Classifier.create(SPEC, OutputHead.LOGITS);
        Classifier computing = reusing.copy();
        for (int step = 0; step < 4; step++) {
            Rows chunk = Rows.random(6, 40L + step);
            Rows replayed = Rows.random(5, 50L + step);
            float[][] x = new float[11][];
            int[] y = new int[11];
            float[][] q = new float[11][];
            for (int i = 0; i < 11; i++) {
                Rows from = i < 6 ? chunk : replayed;
                int k = i < 6 ? i : i - 6;
                x[i] = from.x()[k];
                y[i] = from.y()[k];
                q[i] = from.q()[k];
            }
            // Test, then train: the chunk's rows lead the batch, replayed rows follow.
            reusing.predict(chunk.x());
            assertThat(reusing.reusableRows(x)).as("reusable rows at step %d", step).isEqualTo(6);
            double a = reusing.train(new TrainingBatch(x, y, q, null, 2.0, 0.5));
            double b = computing.train(new TrainingBatch(x, y, q, null, 2.0, 0.5));
            assertThat(a).isCloseTo(b, within(1e-6));
            // After the step the parameters changed: nothing is reusable until the next prediction.
            assertThat(reusing.reusableRows(x)).isZero();
        }
        assertClose(reusing.network().params(), computing.network().params(), 1e-6);
    }

    @Test
    void rowsChangedInPlaceAfterThePredictionAreComputedAgain() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        Rows rows = Rows.random(6, 60L);
        model.predict(rows.x());
        rows.x()[2][3] += 0.5f;
        assertThat(model.reusableRows(rows.x())).isEqualTo(2);
        float[][] other = Rows.random(6, 61L).x();
        assertThat(model.reusableRows(other)).isZero();
    }

    @Test
    void lossAndGradientsMatchDeeplearning4jForEveryKindOfRow() {
        for (boolean withSoft : new boolean[] {true, false}) {
            double lambda = withSoft ? 0.5 : 0.0;
            MultiLayerNetwork fast = Classifier.create(SPEC, OutputHead.LOGITS).network();
            MultiLayerNetwork reference = fast.clone();
            Rows rows = Rows.random(11, 2L);

            double fastLoss = DenseStep.of(fast)
                    .gradient(rows.input(), rows.y(), withSoft ? rows.q() : null, rows.mask(), 2.0, lambda);

            distillation(reference).setTemperature(2.0);
            distillation(reference).setLambda(lambda);
            reference.setInput(rows.input());
            reference.setLabels(rows.targets(withSoft));
            reference.computeGradientAndScore();
            // Deeplearning4j's gradient is a sum over rows; its updater divides it by the rows.
            INDArray expected = reference.gradient().gradient().dup().divi(rows.y().length);

            assertThat(fastLoss).as("loss, soft=%s", withSoft).isCloseTo(reference.score(), within(1e-5));
            assertClose(fast.getFlattenedGradients(), expected, 1e-5);
            assertThat(expected.norm2Number().doubleValue()).isGreaterThan(1e-3);
        }
    }

    @Test
    void softmaxHeadGradientsMatchDeeplearning4jsCrossEntropy() {
        MultiLayerNetwork fast = Classifier.create(SPEC, OutputHead.SOFTMAX).network();
        MultiLayerNetwork reference = fast.clone();
        Rows rows = Rows.random(8, 3L);
        int[] labels = rows.hardLabels();
        INDArray oneHot = rows.oneHot();
        double fastLoss = DenseStep.of(fast).gradient(rows.input(), labels, null, null, 2.0, 0.0);
        reference.setInput(rows.input());
        reference.setLabels(oneHot);
        reference.computeGradientAndScore();
        assertThat(fastLoss).isCloseTo(reference.score(), within(1e-5));
        assertClose(fast.getFlattenedGradients(), reference.gradient().gradient().dup().divi(labels.length), 1e-5);
    }

    @Test
    void adamStepsWithAFrozenLayerThatThawsGiveDeeplearning4jsParametersAndState() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        MultiLayerNetwork reference = model.network().clone();
        for (int step = 0; step < 6; step++) {
            Rows rows = Rows.random(10, 10L + step);
            double[] scales = step < 2 ? new double[] {0.0, 1.0, 1.0} : new double[] {1.0, 1.0, 1.0};
            model.setLearningRateScales(scales);
            double loss = model.train(new TrainingBatch(rows.x(), rows.y(), rows.q(), rows.mask(), 2.0, 0.5));

            for (int layer = 0; layer < scales.length; layer++) {
                reference.setLearningRate(layer, scales[layer] * SPEC.learningRate());
            }
            distillation(reference).setTemperature(2.0);
            distillation(reference).setLambda(0.5);
            INDArray frozen = step < 2 ? reference.getLayer(0).params().dup() : null;
            reference.fit(rows.input(), rows.targets(true));
            if (frozen != null) {
                reference.getLayer(0).params().assign(frozen);
            }
            assertThat(loss).as("loss at step %d", step).isCloseTo(reference.score(), within(1e-5));
        }
        assertThat(model.network().getIterationCount()).isEqualTo(reference.getIterationCount());
        assertClose(model.network().params(), reference.params(), 1e-5);
        // Adam's moments of the layer that was frozen advanced as Deeplearning4j's do.
        assertClose(model.network().getUpdater().getStateViewArray(), reference.getUpdater().getStateViewArray(), 1e-5);
    }

    @Test
    void softmaxHeadAdamStepsGiveDeeplearning4jsParameters() {
        Classifier model = Classifier.create(SPEC, OutputHead.SOFTMAX);
        MultiLayerNetwork reference = model.network().clone();
        for (int step = 0; step < 4; step++) {
            Rows rows = Rows.random(16, 20L + step);
            int[] labels = rows.hardLabels();
            INDArray oneHot = rows.oneHot();
            double loss = model.train(rows.x(), labels);
            reference.fit(rows.input(), oneHot);
            assertThat(loss).isCloseTo(reference.score(), within(1e-5));
        }
        assertClose(model.network().params(), reference.params(), 1e-5);
    }

    @Test
    void lossGradientMatchesCentralDifferencesInDoublePrecision() {
        int rows = 6;
        SplittableRandom random = new SplittableRandom(5L);
        Rows batch = Rows.random(rows, 4L);
        float[] logits = new float[rows * CLASSES];
        for (int k = 0; k < logits.length; k++) {
            logits[k] = (float) (random.nextDouble() * 4 - 2);
        }
        float[] gradient = new float[logits.length];
        DenseLoss.lossAndGradient(logits, rows, CLASSES, batch.y(), batch.q(), batch.mask(), 2.0, 0.5, gradient);
        double h = 1e-3;
        for (int k = 0; k < logits.length; k++) {
            float saved = logits[k];
            logits[k] = (float) (saved + h);
            double up = DenseLoss.lossAndGradient(logits, rows, CLASSES, batch.y(), batch.q(), batch.mask(), 2.0, 0.5,
                    new float[logits.length]);
            logits[k] = (float) (saved - h);
            double down = DenseLoss.lossAndGradient(logits, rows, CLASSES, batch.y(), batch.q(), batch.mask(), 2.0,
                    0.5, new float[logits.length]);
            logits[k] = saved;
            double numeric = (up - down) / ((float) (saved + h) - (float) (saved - h));
            assertThat((double) gradient[k]).as("dL/dz[%d]", k).isCloseTo(numeric, within(2e-4));
        }
    }

    private static DistillationLoss distillation(MultiLayerNetwork net) {
        return (DistillationLoss) ((BaseOutputLayer) net.getLayer(net.getnLayers() - 1).conf().getLayer()).getLossFn();
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        float[] a = actual.dup().castTo(DataType.FLOAT).data().asFloat();
        float[] e = expected.dup().castTo(DataType.FLOAT).data().asFloat();
        assertThat(a).hasSameSizeAs(e);
        double scale = 0;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < a.length; k++) {
            assertThat((double) a[k]).as("element %d of %d", k, a.length)
                    .isCloseTo(e[k], within(tolerance * Math.max(1.0, scale)));
        }
    }
}
