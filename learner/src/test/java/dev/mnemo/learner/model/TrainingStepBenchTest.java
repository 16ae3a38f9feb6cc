package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainingStepBenchTest {

    @Test
    void parsesOptions() {
        TrainingStepBench.Options o =
                TrainingStepBench.Options.parse(
                        "--dataset", "digits", "--batch", "128,256", "--seconds", "2.5", "--hidden", "64",
                        "--json", "out/bench.json");

        assertThat(o.dataset()).isEqualTo("digits");
        assertThat(o.batches()).containsExactly(128, 256);
        assertThat(o.seconds()).isEqualTo(2.5);
        assertThat(o.hidden()).containsExactly(64);
        assertThat(o.json()).isEqualTo(Path.of("out/bench.json"));
        assertThat(o.randomSamples().inputs()).isEqualTo(64);
        assertThat(TrainingStepBench.Options.parse().randomSamples().inputs()).isEqualTo(784);
    }

    @Test
    void rejectsUnknownOptionsAndDatasets() {
        assertThatThrownBy(() -> TrainingStepBench.Options.parse("--dataset", "cifar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fashion-mnist, mnist, digits, synthetic-shape");
        assertThatThrownBy(() -> TrainingStepBench.Options.parse("--epochs", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --epochs");
        assertThatThrownBy(() -> TrainingStepBench.Options.parse("--batch", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--batch sizes must be >= 1");
    }

    @Test
    void shortRunReportsPositiveThroughputAndWritesJson() throws IOException {
        Path json = Files.createDirectories(Path.of("target", "bench-test")).resolve("bench.json");
        TrainingStepBench.Options options =
                TrainingStepBench.Options.parse(
                        "--dataset", "synthetic-shape", "--inputs", "20", "--classes", "3", "--hidden", "16",
                        "--batch", "8,32", "--seconds", "0.05", "--warmup", "0.02", "--samples", "100",
                        "--json", json.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        TrainingStepBench.Report report =
                TrainingStepBench.run(
                        options, options.randomSamples(), new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(report.parameters()).isEqualTo((20 + 1) * 16 + (16 + 1) * 3);
        assertThat(report.flopsPerSampleTrain()).isEqualTo(6L * (20 * 16 + 16 * 3));
        assertThat(report.gemmGflops()).isPositive();
        assertThat(report.batches()).extracting(TrainingStepBench.BatchResult::batch)
                .containsExactly(8, 32);
        for (TrainingStepBench.BatchResult b : report.batches()) {
            assertThat(b.trainSamplesPerSecond()).isPositive();
            assertThat(b.predictSamplesPerSecond()).isPositive();
            assertThat(b.trainRooflineFraction()).isPositive();
            assertThat(b.finalLoss()).isFinite();
        }
        String written = Files.readString(json);
        assertThat(written).isEqualTo(report.toJson()).contains("\"batch\": 32", "\"gemmGflops\": ");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("sgemm", "batch    8: train");
    }

    @Test
    void samplesRejectInconsistentArrays() {
        assertThatThrownBy(
                        () -> new TrainingStepBench.Samples("x", new float[2][3], new int[1], 2))
                .isInstanceOf(IllegalArgumentException.class);
        TrainingStepBench.Samples random = TrainingStepBench.Samples.random("r", 5, 4, 3, 1);
        assertThat(random.features()).hasDimensions(5, 4);
        assertThat(random.labels()).hasSize(5);
        for (int label : random.labels()) {
            assertThat(label).isBetween(0, 2);
        }
    }
}
