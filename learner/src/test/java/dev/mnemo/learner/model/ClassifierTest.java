package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ClassifierTest {

    private static final MlpSpec SMALL = new MlpSpec(6, List.of(16, 8), 3, 0.01, 1.0, 7L);

    @TempDir Path dir;

    @Test
    void predictReturnsOneProbabilityRowPerSampleSummingToOne() {
        Classifier model = Classifier.create(SMALL);
        float[][] x = features(5, 6, 1);

        Predictions p = model.predict(x);

        assertThat(p.size()).isEqualTo(5);
        assertThat(p.probabilities()).hasNumberOfRows(5);
        for (int i = 0; i < 5; i++) {
            float[] row = p.probabilities()[i];
            assertThat(row).hasSize(3);
            double sum = 0;
            int argmax = 0;
            for (int c = 0; c < 3; c++) {
                assertThat(row[c]).isBetween(0f, 1f);
                sum += row[c];
                if (row[c] > row[argmax]) {
                    argmax = c;
                }
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
            assertThat(p.predictedClass()[i]).isEqualTo(argmax);
            assertThat(p.confidence(i)).isEqualTo(row[argmax]);
        }
    }

    @Test
    void predictMatchesTheNetworkOutput() {
        Classifier model = Classifier.create(SMALL);
        model.train(features(4, 6, 2), new int[] {0, 1, 2, 1});
        float[][] x = features(7, 6, 3);

        float[][] expected = model.network().output(Nd4j.create(x), false).toFloatMatrix();

        // predict runs the layers by hand from the parameters: the network's own numbers to float tolerance.
        float[][] actual = model.predict(x).probabilities();
        assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void logitsMatchTheNetworkOutputOfTheLogitsHead() {
        Classifier model = Classifier.create(SMALL, OutputHead.LOGITS);
        model.train(features(4, 6, 2), new int[] {0, 1, 2, 1});
        float[][] x = features(9, 6, 5);

        float[][] expected = model.network().output(Nd4j.create(x), false).toFloatMatrix();

        float[][] actual = model.logits(x);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void buildsTheSpecifiedFloatNetwork() {
        Classifier model = Classifier.create(MlpSpec.defaults(784, 10));

        assertThat(model.parameterCount()).isEqualTo(235_146L);
        assertThat(model.parameterCount()).isEqualTo(model.spec().parameterCount());
        assertThat(model.network().params().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(model.network().getnLayers()).isEqualTo(3);
        assertThat(model.version()).isZero();
    }

    @Test
    void sameSeedGivesSameNetworkAndOtherSeedAnother() {
        float[][] x = features(3, 6, 4);

        float[][] a = Classifier.create(SMALL).predict(x).probabilities();
        float[][] b = Classifier.create(SMALL).predict(x).probabilities();
        float[][] c = Classifier.create(SMALL.withSeed(8)).predict(x).probabilities();

        assertThat(a).isDeepEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a[0]).isNotEqualTo(c[0]);
    }

    @Test
    void uniformInitialisationDrawsWeightsAndBiasesWithinOneOverRootFanIn() {
        MlpSpec spec = new MlpSpec(300, List.of(200), 10, 1e-3, 1.0, 5L);
        Classifier uniform = Classifier.create(spec, OutputHead.LOGITS, Initialisation.UNIFORM_FAN_IN);
        Classifier he = Classifier.create(spec, OutputHead.LOGITS);
        int[][] shapes = {{300, 200}, {200, 10}};

        for (int layer = 0; layer < 2; layer++) {
            int fanIn = shapes[layer][0];
            int weights = fanIn * shapes[layer][1];
            float[] p = uniform.layerParameters(layer);
            double bound = 1.0 / Math.sqrt(fanIn);
            assertThat(p).hasSize(weights + shapes[layer][1]);
            for (float v : p) {
                assertThat((double) Math.abs(v)).isLessThanOrEqualTo(bound);
            }
            float[] w = Arrays.copyOf(p, weights);
            float[] b = Arrays.copyOfRange(p, weights, p.length);
            // U(-a, a) has standard deviation a / sqrt(3); He normal has sqrt(2 / fanIn) = 2.45 times that.
            assertThat(sd(w)).as("layer %d weights", layer).isCloseTo(bound / Math.sqrt(3), within(0.05 * bound));
            assertThat(sd(b)).as("layer %d biases: drawn, not zero", layer).isGreaterThan(0.3 * bound);
            float[] hw = Arrays.copyOf(he.layerParameters(layer), weights);
            if (layer == 0) {
                assertThat(sd(hw)).as("He weights").isCloseTo(Math.sqrt(2.0 / fanIn), within(0.05 * bound));
            }
            assertThat(Arrays.copyOfRange(he.layerParameters(layer), weights, p.length)).containsOnly(0f);
        }
        assertThat(Classifier.create(spec, OutputHead.LOGITS, Initialisation.UNIFORM_FAN_IN).layerParameters(0))
                .as("seeded").isEqualTo(uniform.layerParameters(0));
        assertThat(Classifier.create(spec.withSeed(6), OutputHead.LOGITS, Initialisation.UNIFORM_FAN_IN)
                .layerParameters(0)).isNotEqualTo(uniform.layerParameters(0));
    }

    @Test
    void initialisationIsParsedByItsName() {
        assertThat(Initialisation.parse("uniform")).isEqualTo(Initialisation.UNIFORM_FAN_IN);
        assertThat(Initialisation.parse(" HE ")).isEqualTo(Initialisation.HE);
        assertThatThrownBy(() -> Initialisation.parse("xavier"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[he, uniform]");
        assertThatThrownBy(() -> Classifier.create(SMALL, OutputHead.LOGITS, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double sd(float[] values) {
        double mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        double ss = 0;
        for (float v : values) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (values.length - 1));
    }

    @Test
    void trainTakesOneStepAndCountsIt() {
        Classifier model = Classifier.create(SMALL);
        float[][] x = features(8, 6, 5);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        float[][] before = model.predict(x).probabilities();

        double loss = model.train(x, y);

        assertThat(model.version()).isEqualTo(1L);
        assertThat(loss).isPositive().isFinite();
        assertThat(model.predict(x).probabilities()[0]).isNotEqualTo(before[0]);
        model.predict(x);
        assertThat(model.version()).as("predict does not train").isEqualTo(1L);
        model.train(x, y);
        model.train(x, y);
        assertThat(model.version()).isEqualTo(3L);
    }

    @Test
    void repeatedStepsOnOneBatchDriveItsLossDown() {
        Classifier model = Classifier.create(SMALL);
        float[][] x = features(12, 6, 6);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};

        double first = model.train(x, y);
        double last = first;
        for (int i = 0; i < 300; i++) {
            last = model.train(x, y);
        }

        assertThat(last).isLessThan(0.1).isLessThan(first / 10);
        assertThat(model.predict(x).predictedClass()).containsExactly(y);
    }

    @Test
    void trainReturnsTheMeanCrossEntropyBeforeTheStep() {
        Classifier model = Classifier.create(SMALL);
        float[][] x = features(10, 6, 21);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
        float[][] p = model.predict(x).probabilities();
        double expected = 0;
        for (int i = 0; i < x.length; i++) {
            expected -= Math.log(p[i][y[i]]);
        }
        expected /= x.length;

        assertThat(model.train(x, y)).isCloseTo(expected, within(1e-5));
    }

    @Test
    void acceptsChangingBatchSizes() {
        Classifier model = Classifier.create(SMALL);

        model.train(features(3, 6, 7), new int[] {0, 1, 2});
        model.train(features(5, 6, 8), new int[] {0, 1, 2, 2, 1});
        model.train(features(1, 6, 9), new int[] {2});
        model.train(features(3, 6, 10), new int[] {2, 1, 0});

        assertThat(model.version()).isEqualTo(4L);
        assertThat(model.predict(features(1, 6, 11)).size()).isEqualTo(1);
        assertThat(model.predict(features(9, 6, 12)).size()).isEqualTo(9);
    }

    @Test
    void rejectsBadFeatures() {
        Classifier model = Classifier.create(SMALL);

        assertThatThrownBy(() -> model.predict(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("features must be non-null");
        assertThatThrownBy(() -> model.predict(new float[0][]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sample");
        assertThatThrownBy(() -> model.predict(new float[][] {new float[6], new float[5]}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("features[1] has 5 values; every row must have exactly 6 (the spec's inputs)");
        assertThatThrownBy(() -> model.predict(new float[][] {null}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("features[0] has no values");
        float[][] nan = features(2, 6, 13);
        nan[1][4] = Float.NaN;
        assertThatThrownBy(() -> model.predict(nan))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("features[1][4] = NaN; features must be finite");
        float[][] inf = features(2, 6, 14);
        inf[0][0] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> model.train(inf, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be finite");
    }

    @Test
    void rejectsBadLabelsWithoutTraining() {
        Classifier model = Classifier.create(SMALL);
        float[][] x = features(2, 6, 15);
        float[][] before = model.predict(x).probabilities();

        assertThatThrownBy(() -> model.train(x, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels must be non-null");
        assertThatThrownBy(() -> model.train(x, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels has 1 entries but features has 2 rows; they must be equal");
        assertThatThrownBy(() -> model.train(x, new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[1] = 3 is out of range; labels must be in [0, 3)");
        assertThatThrownBy(() -> model.train(x, new int[] {-1, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[0] = -1 is out of range; labels must be in [0, 3)");

        assertThat(model.version()).isZero();
        assertThat(model.predict(x).probabilities()).isDeepEqualTo(before);
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        Classifier original = Classifier.create(SMALL);
        float[][] x = features(6, 6, 16);
        int[] y = {0, 1, 2, 0, 1, 2};
        original.train(x, y);

        Classifier copy = original.copy();
        float[][] copyBefore = copy.predict(x).probabilities();
        assertThat(copy.version()).isEqualTo(1L);
        assertThat(copy.spec()).isEqualTo(SMALL);
        assertThat(copyBefore).isDeepEqualTo(original.predict(x).probabilities());

        for (int i = 0; i < 20; i++) {
            original.train(x, y);
        }

        assertThat(original.version()).isEqualTo(21L);
        assertThat(copy.version()).isEqualTo(1L);
        assertThat(copy.predict(x).probabilities()).isDeepEqualTo(copyBefore);
        assertThat(original.predict(x).probabilities()[0]).isNotEqualTo(copyBefore[0]);
    }

    @Test
    void copyCarriesTheOptimizerState() {
        Classifier a = Classifier.create(SMALL);
        float[][] x = features(6, 6, 17);
        int[] y = {2, 1, 0, 2, 1, 0};
        for (int i = 0; i < 5; i++) {
            a.train(x, y);
        }
        Classifier b = a.copy();

        double lossA = a.train(x, y);
        double lossB = b.train(x, y);

        assertThat(lossB).isEqualTo(lossA);
        assertThat(b.predict(x).probabilities()).isDeepEqualTo(a.predict(x).probabilities());
    }

    @Test
    void saveAndLoadRoundTripPredictionsVersionSpecAndOptimizerState() throws IOException {
        MlpSpec spec = new MlpSpec(6, List.of(16, 8), 3, 0.02, 0.9, 11L);
        Classifier model = Classifier.create(spec);
        float[][] x = features(6, 6, 18);
        int[] y = {0, 1, 2, 2, 1, 0};
        for (int i = 0; i < 7; i++) {
            model.train(x, y);
        }
        Path file = dir.resolve("checkpoints/model.zip");

        model.save(file);
        Classifier loaded = Classifier.load(file);

        assertThat(loaded.version()).isEqualTo(7L);
        assertThat(loaded.spec()).isEqualTo(spec);
        assertThat(loaded.parameterCount()).isEqualTo(model.parameterCount());
        assertThat(loaded.predict(x).probabilities()).isDeepEqualTo(model.predict(x).probabilities());

        // Same Adam moments and step count: the next update is the same. Dropout draws differ, so
        // compare on a network without dropout.
        Classifier plain = Classifier.create(SMALL);
        for (int i = 0; i < 7; i++) {
            plain.train(x, y);
        }
        plain.save(file);
        Classifier plainLoaded = Classifier.load(file);
        assertThat(plainLoaded.train(x, y)).isEqualTo(plain.train(x, y));
        assertThat(plainLoaded.predict(x).probabilities())
                .isDeepEqualTo(plain.predict(x).probabilities());
        assertThat(plainLoaded.version()).isEqualTo(8L);
    }

    @Test
    void saveReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Classifier model = Classifier.create(SMALL);
        Path file = dir.resolve("model.zip");
        model.save(file);
        model.train(features(2, 6, 19), new int[] {0, 1});

        model.save(file);

        assertThat(Classifier.load(file).version()).isEqualTo(1L);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertThat(zip.getEntry(Classifier.METADATA_ENTRY)).isNotNull();
            assertThat(zip.getEntry(ModelSerializer.UPDATER_BIN)).isNotNull();
        }
        assertThat(ModelSerializer.restoreMultiLayerNetwork(file.toFile()).numParams())
                .as("still a plain model file")
                .isEqualTo(model.parameterCount());
    }

    @Test
    void loadRejectsAFileWithoutClassifierMetadata() throws IOException {
        Path file = dir.resolve("plain.zip");
        ModelSerializer.writeModel(Classifier.create(SMALL).network(), file.toFile(), true);

        assertThatThrownBy(() -> Classifier.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("entry " + Classifier.METADATA_ENTRY + " is missing");
    }

    @Test
    void concurrentPredictionsOnASharedCopyDoNotMixInputs() throws Exception {
        Classifier serving = Classifier.create(SMALL).copy();
        int threads = 4;
        float[][][] inputs = new float[threads][][];
        float[][][] expected = new float[threads][][];
        for (int t = 0; t < threads; t++) {
            inputs[t] = features(16, 6, 100 + t);
            expected[t] = serving.predict(inputs[t]).probabilities();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> mismatches = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                mismatches.add(
                        pool.submit(
                                () -> {
                                    int wrong = 0;
                                    for (int i = 0; i < 300; i++) {
                                        if (!Arrays.deepEquals(serving.predict(inputs[id]).probabilities(), expected[id])) {
                                            wrong++;
                                        }
                                    }
                                    return wrong;
                                }));
            }
            for (Future<Integer> m : mismatches) {
                assertThat(m.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dropoutIsOnlyActiveWhileTraining() {
        Classifier model = Classifier.create(SMALL.withDropoutKeep(0.5));
        float[][] x = features(4, 6, 20);
        model.train(x, new int[] {0, 1, 2, 0});

        assertThat(model.predict(x).probabilities()).isDeepEqualTo(model.predict(x).probabilities());
    }

    private static float[][] features(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] x = new float[rows][columns];
        for (float[] row : x) {
            for (int j = 0; j < columns; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return x;
    }
}
