package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** {@link DistillationLoss}: finite-difference gradient checks, exact values, serialisation. */
class DistillationLossTest {

    private static final int IN = 5;
    private static final int C = 4;
    private static DataType previous;

    @BeforeAll
    static void doublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    @Test
    void gradientsMatchFiniteDifferencesForLabelledAndUnlabelledRows() {
        for (double[] tl : new double[][] {{2.0, 0.5}, {3.0, 0.3}, {1.0, 1.0}, {2.0, 0.0}}) {
            MultiLayerNetwork net = network(new DistillationLoss(tl[0], tl[1]));
            INDArray x = Nd4j.rand(DataType.DOUBLE, 6, IN).subi(0.5);
            INDArray labels = labels(6, tl[0], new int[] {0, 3, -1, 2, -1, 1}, 7L);
            boolean ok =
                    GradientCheckUtil.checkGradients(
                            new GradientCheckUtil.MLNConfig().net(net).input(x).labels(labels).print(
                                    GradientCheckUtil.PrintMode.FAILURES_ONLY));
            assertThat(ok).as("gradient check at T=%s, lambda=%s", tl[0], tl[1]).isTrue();
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesWithClassMask() {
        MultiLayerNetwork net = network(new DistillationLoss(2.0, 0.5));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, IN).subi(0.5);
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 0, 0}, {0, 0, 1, 1}, {1, 1, 0, 0}, {0, 0, 1, 1}});
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 4, 2 * C);
        int[] hard = {1, 2, -1, 3};
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < C; c++) {
                if (mask.getDouble(i, c) == 0) {
                    labels.putScalar(i, c, -1.0);
                }
            }
            if (hard[i] >= 0) {
                labels.putScalar(i, hard[i], 1.0);
            }
            // teacher probabilities restricted to the sample's allowed classes
            double a = 0.2 + 0.15 * i;
            int first = mask.getDouble(i, 0) == 1 ? 0 : 2;
            labels.putScalar(i, C + first, a);
            labels.putScalar(i, C + first + 1, 1 - a);
        }
        boolean ok =
                GradientCheckUtil.checkGradients(
                        new GradientCheckUtil.MLNConfig().net(net).input(x).labels(labels)
                                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void gradientsMatchWhenTheTeacherKnewOtherClassesThanTheMaskAllows() {
        // Task-incremental LwF: the hard term over the sample's task {2, 3}, distillation over the old
        // classes {0, 1} that the teacher knew.
        MultiLayerNetwork net = network(new DistillationLoss(2.0, 0.5));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, IN).subi(0.5);
        INDArray labels =
                Nd4j.create(new double[][] {
                    {-1, -1, 1, 0, 0.3, 0.7, 0, 0}, {-1, -1, 0, 1, 0.6, 0.4, 0, 0}, {1, 0, -1, -1, 0.8, 0.2, 0, 0}});
        boolean ok =
                GradientCheckUtil.checkGradients(
                        new GradientCheckUtil.MLNConfig().net(net).input(x).labels(labels)
                                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void theDistillationSoftmaxRunsOverTheTeachersSupport() {
        // q = (0.5, 0.5, 0, 0): only classes 0 and 1 take part in softmax(z / T).
        INDArray z = Nd4j.create(new double[][] {{0.0, Math.log(9) * 2, 5.0, -3.0}});
        INDArray labels = Nd4j.create(new double[][] {{0, 0, 0, 0, 0.5, 0.5, 0, 0}});
        double score = new DistillationLoss(2.0, 1.0).computeScore(labels, z, new ActivationIdentity(), null, true);
        // softmax((0, ln 9)) = (0.1, 0.9)
        double expected = 4 * (-0.5 * Math.log(0.1) - 0.5 * Math.log(0.9));
        assertThat(score).isCloseTo(expected, within(1e-12));
        INDArray grad = new DistillationLoss(2.0, 1.0).computeGradient(labels, z, new ActivationIdentity(), null);
        assertThat(grad.getDouble(0, 2)).isZero();
        assertThat(grad.getDouble(0, 3)).isZero();
        assertThat(grad.getDouble(0, 0)).isCloseTo(2 * (0.1 - 0.5), within(1e-12));
    }

    @Test
    void aClassMarkedInSupportWithZeroTargetJoinsTheDistillationSoftmax() {
        // q = (0.5, 0.5, 0+, 0): class 2 takes part in softmax(z / T) with a target of (practically) 0.
        INDArray z = Nd4j.create(new double[][] {{0.0, 0.0, Math.log(2) * 2, -3.0}});
        INDArray labels = Nd4j.create(new double[][] {{0, 0, 0, 0, 0.5, 0.5, DistillationLoss.IN_SUPPORT_ZERO, 0}});
        DistillationLoss loss = new DistillationLoss(2.0, 1.0);
        // softmax((0, 0, ln 2)) = (1/4, 1/4, 1/2)
        double expected = 4 * (-0.5 * Math.log(0.25) - 0.5 * Math.log(0.25));
        assertThat(loss.computeScore(labels, z, new ActivationIdentity(), null, true)).isCloseTo(expected, within(1e-9));
        INDArray grad = loss.computeGradient(labels, z, new ActivationIdentity(), null);
        assertThat(grad.getDouble(0, 2)).as("pushed towards its target 0").isCloseTo(2 * 0.5, within(1e-9));
        assertThat(grad.getDouble(0, 0)).isCloseTo(2 * (0.25 - 0.5), within(1e-9));
        assertThat(grad.getDouble(0, 3)).isZero();
    }

    @Test
    void aClassMaskInTheLabelsRemovesClassesFromTheHardSoftmax() {
        // classes 2 and 3 excluded: softmax over (0, ln 3) = (1/4, 3/4), label 0
        INDArray z = Nd4j.create(new double[][] {{0.0, Math.log(3), 4.0, 7.0}});
        INDArray labels = Nd4j.create(new double[][] {{1, 0, -1, -1, 0, 0, 0, 0}});
        DistillationLoss loss = new DistillationLoss(2.0, 0.0);
        assertThat(loss.computeScore(labels, z, new ActivationIdentity(), null, true))
                .isCloseTo(-Math.log(0.25), within(1e-12));
        INDArray grad = loss.computeGradient(labels, z, new ActivationIdentity(), null);
        assertThat(grad.getDouble(0, 0)).isCloseTo(-0.75, within(1e-12));
        assertThat(grad.getDouble(0, 1)).isCloseTo(0.75, within(1e-12));
        assertThat(grad.getDouble(0, 2)).isZero();
        assertThat(grad.getDouble(0, 3)).isZero();
    }

    @Test
    void exactValueOnAHandComputedExample() {
        // z = (0, ln 3): softmax = (1/4, 3/4); softmax(z/2) = (1/(1+sqrt 3), sqrt 3/(1+sqrt 3)).
        INDArray z = Nd4j.create(new double[][] {{0.0, Math.log(3)}});
        INDArray labels = Nd4j.create(new double[][] {{1, 0, 0.5, 0.5}});
        double s3 = Math.sqrt(3);
        double ce = -Math.log(0.25);
        double soft = -0.5 * Math.log(1 / (1 + s3)) - 0.5 * Math.log(s3 / (1 + s3));
        double expected = 0.5 * ce + 0.5 * 4 * soft;
        DistillationLoss loss = new DistillationLoss();
        assertThat(loss.computeScore(labels, z, new ActivationIdentity(), null, true))
                .isCloseTo(expected, within(1e-12));
        INDArray grad = loss.computeGradient(labels, z, new ActivationIdentity(), null);
        double pT1 = s3 / (1 + s3);
        // (1 - lambda) (p - y) + lambda T (p_T - q)
        assertThat(grad.getDouble(0, 1)).isCloseTo(0.5 * 0.75 + 0.5 * 2 * (pT1 - 0.5), within(1e-12));
        assertThat(grad.getDouble(0, 0) + grad.getDouble(0, 1)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void withLambdaZeroItIsSoftmaxCrossEntropy() {
        INDArray z = Nd4j.rand(DataType.DOUBLE, 8, C).muli(4).subi(2);
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, 8, C);
        for (int i = 0; i < 8; i++) {
            oneHot.putScalar(i, i % C, 1.0);
        }
        INDArray labels = Nd4j.hstack(oneHot, Nd4j.rand(DataType.DOUBLE, 8, C));
        DistillationLoss loss = new DistillationLoss(2.0, 0.0);
        double mine = loss.computeScore(labels, z, new ActivationIdentity(), null, true);
        double reference = new LossMCXENT().computeScore(oneHot, z.dup(), new ActivationSoftmax(), null, true);
        assertThat(mine).isCloseTo(reference, within(1e-9));
        INDArray g = loss.computeGradient(labels, z, new ActivationIdentity(), null);
        INDArray gRef = new LossMCXENT().computeGradient(oneHot, z.dup(), new ActivationSoftmax(), null);
        assertThat(g.sub(gRef).amaxNumber().doubleValue()).isLessThan(1e-9);
    }

    @Test
    void unlabelledRowsCarryOnlyTheDistillationTerm() {
        INDArray z = Nd4j.create(new double[][] {{0.3, -0.2, 1.0, 0.0}});
        INDArray labels = Nd4j.create(new double[][] {{0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4}});
        double both = new DistillationLoss(2.0, 0.5).computeScore(labels, z, new ActivationIdentity(), null, true);
        double softOnly = new DistillationLoss(2.0, 1.0).computeScore(labels, z, new ActivationIdentity(), null, true);
        assertThat(both).isCloseTo(0.5 * softOnly, within(1e-12));
    }

    @Test
    void rejectsOutOfRangeSettingsAndWrongLabelWidth() {
        assertThatThrownBy(() -> new DistillationLoss(0.0, 0.5)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new DistillationLoss(2.0, 1.5)).hasMessageContaining("[0, 1]");
        INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, C);
        assertThatThrownBy(
                        () -> new DistillationLoss().computeScore(
                                Nd4j.zeros(DataType.DOUBLE, 2, C), z, new ActivationIdentity(), null, true))
                .hasMessageContaining("2C");
    }

    @Test
    void survivesConfigurationJsonAndModelFiles(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = network(new DistillationLoss(3.0, 0.25));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        assertThat(((OutputLayer) back.getConf(1).getLayer()).getLossFn()).isEqualTo(new DistillationLoss(3.0, 0.25));

        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        try {
            Classifier model = Classifier.create(new MlpSpec(IN, java.util.List.of(8), C, 1e-2, 1.0, 3L), OutputHead.LOGITS);
            float[][] x = {{0.1f, 0.2f, 0.3f, 0.4f, 0.5f}, {0.5f, 0.4f, 0.3f, 0.2f, 0.1f}};
            model.train(x, new int[] {1, 2});
            model.save(dir.resolve("m.zip"));
            Classifier loaded = Classifier.load(dir.resolve("m.zip"));
            assertThat(loaded.head()).isEqualTo(OutputHead.LOGITS);
            assertThat(loaded.predict(x).probabilities()).isDeepEqualTo(model.predict(x).probabilities());
            assertThat(loaded.logits(x)).isDeepEqualTo(model.logits(x));
        } finally {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        }
    }

    @Test
    void classifierChecksTrainingBatches() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        try {
            MlpSpec spec = new MlpSpec(IN, java.util.List.of(8), C, 1e-2, 1.0, 3L);
            Classifier softmax = Classifier.create(spec);
            Classifier logits = Classifier.create(spec, OutputHead.LOGITS);
            float[][] x = {{0.1f, 0.2f, 0.3f, 0.4f, 0.5f}};
            float[][] soft = {{0.25f, 0.25f, 0.25f, 0.25f}};
            TrainingBatch distil = new TrainingBatch(x, new int[] {-1}, soft, null, 2.0, 0.5);
            assertThatThrownBy(() -> softmax.train(distil)).isInstanceOf(IllegalStateException.class);
            assertThat(logits.train(distil)).isFinite();
            assertThatThrownBy(() -> logits.train(TrainingBatch.labelled(x, new int[] {-1})))
                    .hasMessageContaining("no loss");
            assertThatThrownBy(() -> logits.train(new TrainingBatch(x, new int[] {0}, new float[][] {{Float.NaN, 0, 0, 0}},
                            null, 2.0, 0.5)))
                    .hasMessageContaining("[0, 1]");
            assertThatThrownBy(() -> logits.train(new TrainingBatch(x, new int[] {2}, null, new float[][] {{1, 1, 0, 0}},
                            2.0, 0.0)))
                    .hasMessageContaining("including the label 2");
            assertThatThrownBy(() -> new TrainingBatch(x, new int[] {0}, null, null, 2.0, 0.5))
                    .hasMessageContaining("lambda must be 0 without softTargets");
            assertThat(logits.version()).isEqualTo(1L);
        } finally {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        }
    }

    private static MultiLayerNetwork network(DistillationLoss loss) {
        MultiLayerConfiguration conf =
                new NeuralNetConfiguration.Builder()
                        .seed(12345L)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(new DenseLayer.Builder().nIn(IN).nOut(6).activation(Activation.TANH).build())
                        .layer(new OutputLayer.Builder(loss).nIn(6).nOut(C).activation(Activation.IDENTITY).build())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** {@code [hard one-hot | softmax(random teacher logits / T)]}; label -1 = unlabelled. */
    private static INDArray labels(int n, double temperature, int[] hard, long seed) {
        Random random = new Random(seed);
        float[][] teacher = new float[n][C];
        for (float[] row : teacher) {
            for (int c = 0; c < C; c++) {
                row[c] = (float) (2 * random.nextGaussian());
            }
        }
        float[][] soft = DistillationLoss.softTargets(teacher, temperature, null);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, n, 2 * C);
        for (int i = 0; i < n; i++) {
            if (hard[i] >= 0) {
                labels.putScalar(i, hard[i], 1.0);
            }
            for (int c = 0; c < C; c++) {
                labels.putScalar(i, C + c, soft[i][c]);
            }
        }
        return labels;
    }
}
