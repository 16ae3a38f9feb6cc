package dev.mnemo.learner.bench.cl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnemo.learner.eval.AccuracyMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging benchmark reports, and how the tables name a run's configuration. */
class ClReportTest {

    private static ClRunResult run(String benchmark, String strategy, String variant, long seed, int iterations,
                                   double accuracy) {
        double[][] r = {{accuracy, 0.1}, {accuracy, accuracy}};
        return new ClRunResult(benchmark, ClScenario.CLASS_IL, strategy, variant, seed, iterations,
                AccuracyMatrix.of(r, new double[] {0.1, 0.1}), 1000, 1, 1);
    }

    private static Path write(Path dir, String name, ClReport report) throws Exception {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, report.toJson());
        return file;
    }

    @Test
    void aMergedReportMergesAgainAndEveryCutOfTheProtocolIsNamed(@TempDir Path dir) throws Exception {
        ClReport a = new ClReport("./mnemo bench cl --benchmarks perm-mnist --iterations 1000");
        a.add(run("perm-mnist", "replay", "", 1, 1000, 0.9));
        ClReport b = new ClReport("./mnemo bench cl --benchmarks perm-mnist --lwf-scope seen");
        b.add(run("perm-mnist", "lwf", "distilling seen classes", 1, 5000, 0.5));
        ClReport merged = ClReport.merge(List.of(write(dir, "a", a), write(dir, "b", b)));
        ClReport c = new ClReport("./mnemo bench cl --benchmarks perm-mnist");
        c.add(run("perm-mnist", "replay", "", 2, 5000, 0.8));

        ClReport again = ClReport.merge(List.of(write(dir, "merged", merged), write(dir, "c", c)));

        assertThat(again.runs()).hasSize(3);
        assertThat(again.runs()).extracting(ClRunResult::variant).containsExactly("", "distilling seen classes", "");
        String markdown = again.toMarkdown();
        assertThat(markdown).as("1000 of the protocol's 5000 iterations is named")
                .contains("| replay (1000 it/task) |").contains("| replay |")
                .contains("| lwf (distilling seen classes) |");
        assertThat(markdown).contains("--lwf-scope seen").contains("--iterations 1000");
        assertThat(ClReport.merge(List.of(write(dir, "alone", a))).toMarkdown())
                .as("also when no run of the benchmark ran the whole protocol").contains("| replay (1000 it/task) |");
    }
}
