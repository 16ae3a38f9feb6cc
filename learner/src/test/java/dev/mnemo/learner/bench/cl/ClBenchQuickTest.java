package dev.mnemo.learner.bench.cl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mnemo.ingest.dataset.Datasets;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mnemo bench cl --quick} on real MNIST (Split-MNIST, task-IL and class-IL, fine-tune, LwF
 * and replay, 100 iterations per task, 1 seed, two runs at a time) with floors that a regression of the trainer, a
 * strategy or a scenario would break. Skipped, with the fetch command, when MNIST is not installed.
 */
class ClBenchQuickTest {

    @Test
    void quickBenchmarkMeetsTheFloors(@TempDir Path out) throws Exception {
        assumeTrue(Datasets.firstAvailable(Datasets.MNIST).isPresent(), "MNIST not found; fetch it with: ./mnemo data");
        ClBench.Config config = ClBench.parse("--quick", "--jobs", "2", "--out", out.toString());
        ClReport report = ClBench.run(config, ClBenchMain::load, new PrintStream(OutputStream.nullOutputStream()));
        System.out.print(report.toMarkdown());

        assertThat(report.runs()).hasSize(6);
        double ftClass = report.acc("split-mnist", ClScenario.CLASS_IL, "fine-tune").mean();
        double lwfClass = report.acc("split-mnist", ClScenario.CLASS_IL, "lwf").mean();
        double replayClass = report.acc("split-mnist", ClScenario.CLASS_IL, "replay").mean();
        double ftTask = report.acc("split-mnist", ClScenario.TASK_IL, "fine-tune").mean();
        double lwfTask = report.acc("split-mnist", ClScenario.TASK_IL, "lwf").mean();
        double replayTask = report.acc("split-mnist", ClScenario.TASK_IL, "replay").mean();

        // Class-IL: fine-tuning keeps about the last task only; a 2000-sample memory keeps most.
        assertThat(ftClass).as("fine-tune class-IL ACC").isBetween(0.15, 0.35);
        assertThat(replayClass).as("replay class-IL ACC").isGreaterThan(ftClass + 0.5).isGreaterThan(0.8);
        assertThat(lwfClass).as("LwF class-IL ACC").isGreaterThanOrEqualTo(ftClass - 0.02);
        // Task-IL: masking to the task's two classes makes every strategy strong, LwF and replay more.
        assertThat(ftTask).as("fine-tune task-IL ACC").isGreaterThan(0.7);
        assertThat(lwfTask).as("LwF task-IL ACC").isGreaterThan(0.95);
        assertThat(replayTask).as("replay task-IL ACC").isGreaterThan(0.95);
        for (ClRunResult r : report.runs()) {
            assertThat(r.matrix().get(0, 0)).as("%s %s first task learnt", r.scenario().id(), r.strategy())
                    .isGreaterThan(0.95);
            assertThat(r.samplesPerSecond()).isPositive();
        }
        // The class-IL matrix of fine-tuning shows the forgetting the metrics must see.
        ClRunResult ft = report.runsOf("split-mnist", ClScenario.CLASS_IL, "fine-tune").get(0);
        assertThat(ft.matrix().bwt()).isLessThan(-0.5);
        assertThat(ft.matrix().forgetting()).isGreaterThan(0.5);

        String json = Files.readString(out.resolve("cl-benchmark.json"));
        assertThat(json).contains("\"R\": [[").contains("\"benchmark\": \"split-mnist\"");
        assertThat(Files.readString(out.resolve("cl-benchmark.md"))).contains("| replay |").contains("[19.90]");
    }
}
