package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The best-of-rounds, ratio and share-of-sgemm arithmetic of {@code ./mnemo bench step}'s table. */
class StepReportTest {

    /** Two Mnemo rounds, in the shape ContinualStepBench writes. */
    private static final String MNEMO_ROUND_1 = """
            {"implementation": "mnemo", "version": "Java 17", "blas": "OPENBLAS", "ompThreads": "1",
             "network": [784, 400, 400, 10], "macsPerSample": 477600, "bufferCapacity": 4096,
             "seconds": 5.0, "rounds": 1, "sgemmGflops": 100.0,
             "results": [
               {"config": "fine-tune", "batch": 32, "replay": 0, "rows": 32, "teacher": false,
                "samplesPerSecond": 1000.0, "stepMillis": 32.0, "gflops": 10.0, "sgemmFraction": 0.1},
               {"config": "lwf+replay", "batch": 128, "replay": 128, "rows": 256, "teacher": true,
                "samplesPerSecond": 2000.0, "stepMillis": 64.0, "gflops": 30.0, "sgemmFraction": 0.3}]}
            """;
    private static final String MNEMO_ROUND_2 = """
            {"implementation": "mnemo", "version": "Java 17", "blas": "OPENBLAS", "ompThreads": "1",
             "network": [784, 400, 400, 10], "macsPerSample": 477600, "bufferCapacity": 4096,
             "seconds": 5.0, "rounds": 1, "sgemmGflops": 120.0,
             "results": [
               {"config": "fine-tune", "batch": 32, "replay": 0, "rows": 32, "teacher": false,
                "samplesPerSecond": 1500.0, "stepMillis": 21.3, "gflops": 15.0, "sgemmFraction": 0.125},
               {"config": "lwf+replay", "batch": 128, "replay": 128, "rows": 256, "teacher": true,
                "samplesPerSecond": 1800.0, "stepMillis": 71.1, "gflops": 27.0, "sgemmFraction": 0.225}]}
            """;
    /** One reference round, in the shape bench/torch_step.py writes, with a configuration Mnemo did not run. */
    private static final String REFERENCE = """
            {
              "implementation": "pytorch",
              "version": "1.13.0a0",
              "blas": "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so",
              "python": "3.11.2",
              "ompThreads": "1",
              "threads": 1,
              "network": [784, 400, 400, 10],
              "macsPerSample": 477600,
              "bufferCapacity": 4096,
              "seconds": 5.0,
              "rounds": 1,
              "sgemmGflops": 150.0,
              "results": [
                {"config": "fine-tune", "batch": 32, "replay": 0, "rows": 32, "teacher": false,
                 "samplesPerSecond": 3000.0, "stepMillis": 10.7, "gflops": 30.0, "sgemmFraction": 0.2},
                {"config": "replay", "batch": 32, "replay": 32, "rows": 64, "teacher": false,
                 "samplesPerSecond": 2500.0, "stepMillis": 12.8, "gflops": 25.0, "sgemmFraction": 0.1667},
                {"config": "lwf+replay", "batch": 128, "replay": 128, "rows": 256, "teacher": true,
                 "samplesPerSecond": 4000.0, "stepMillis": 32.0, "gflops": 60.0, "sgemmFraction": 0.4}
              ]
            }
            """;

    private static StepReport.Side mnemo() throws Exception {
        return StepReport.Side.best(List.of(
                StepReport.parse(MNEMO_ROUND_1, "round 1"), StepReport.parse(MNEMO_ROUND_2, "round 2")));
    }

    private static StepReport.Side reference() throws Exception {
        return StepReport.Side.best(List.of(StepReport.parse(REFERENCE, "reference")));
    }

    @Test
    void bestOfRoundsKeepsTheFastestRoundOfEachConfigurationAndTheFastestSgemm() throws Exception {
        StepReport.Side best = mnemo();

        assertThat(best.sgemmGflops()).isEqualTo(120.0);
        assertThat(best.rounds()).isEqualTo(2);
        assertThat(best.figures()).extracting(StepReport.Figure::config, StepReport.Figure::samplesPerSecond)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("fine-tune", 1500.0),
                        org.assertj.core.groups.Tuple.tuple("lwf+replay", 2000.0));
    }

    @Test
    void ratioIsMnemoOverReferenceAndEachShareIsOverItsOwnBestSgemm() throws Exception {
        List<StepReport.Row> rows = StepReport.rows(mnemo(), reference());

        assertThat(rows).extracting(StepReport.Row::config)
                .containsExactly("fine-tune", "lwf+replay", "replay");
        StepReport.Row fineTune = rows.get(0);
        assertThat(fineTune.ratio()).isCloseTo(0.5, within(1e-12));
        assertThat(fineTune.mnemoSgemmFraction()).isCloseTo(15.0 / 120.0, within(1e-12));
        assertThat(fineTune.referenceSgemmFraction()).isCloseTo(30.0 / 150.0, within(1e-12));
        StepReport.Row lwfReplay = rows.get(1);
        assertThat(lwfReplay.rows()).isEqualTo(256);
        assertThat(lwfReplay.ratio()).isCloseTo(2000.0 / 4000.0, within(1e-12));
        assertThat(lwfReplay.mnemoSgemmFraction()).isCloseTo(30.0 / 120.0, within(1e-12));
        StepReport.Row replay = rows.get(2);
        assertThat(replay.mnemo()).isNull();
        assertThat(replay.ratio()).isNaN();
    }

    @Test
    void markdownTableHasOneLinePerConfigurationAndBothSgemmFigures() throws Exception {
        String md = StepReport.markdown(mnemo(), reference(), "2 cores");

        assertThat(md).contains(
                "| config | batch | Mnemo samples/s | reference samples/s | Mnemo / reference"
                        + " | Mnemo % of ND4J sgemm | reference % of its sgemm |",
                "| fine-tune | 32 | 1,500 | 3,000 | 0.50 | 12.5 % | 20.0 % |",
                "| lwf+replay | 128 | 2,000 | 4,000 | 0.50 | 25.0 % | 40.0 % |",
                "| replay | 32 | — | 2,500 | — | — | 16.7 % |",
                "ND4J `Nd4j.gemm` 120.0 GFLOP/s; PyTorch `torch.mm` 150.0 GFLOP/s",
                "Rounds of 5 s per configuration: 2 of Mnemo and 1 of the reference, alternating; the best round of each is kept.",
                "Machine: 2 cores.",
                "477,600 multiply-adds");
    }

    @Test
    void withoutTheReferenceItsColumnsAreEmptyAndTheReportSaysWhichPackagesGiveIt() throws Exception {
        String md = StepReport.markdown(mnemo(), null, null);

        assertThat(md).contains(
                "| fine-tune | 32 | 1,500 | — | — | 12.5 % | — |",
                "`python3-torch` and `libopenblas0-pthread`");
        assertThat(md).doesNotContain("torch.mm");
    }

    @Test
    void refusesToCompareDifferentNetworksOrDifferentRows() throws Exception {
        StepReport.Side wide = StepReport.parse(
                REFERENCE.replace("[784, 400, 400, 10]", "[784, 1000, 1000, 10]"), "wide");
        assertThatThrownBy(() -> StepReport.rows(mnemo(), wide))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not comparable");

        StepReport.Side noReplay = StepReport.parse(
                REFERENCE.replace("\"rows\": 256", "\"rows\": 128"), "no replay");
        assertThatThrownBy(() -> StepReport.rows(mnemo(), noReplay))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lwf+replay at batch 128");

        assertThatThrownBy(() -> StepReport.parse("{\"implementation\": \"mnemo\"}", "broken.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("broken.json has no field 'network'");
    }

    @Test
    void readsWhatContinualStepBenchWrites() throws Exception {
        ContinualStepBench.Report written = new ContinualStepBench.Report("mnemo", "Java 17", "OPENBLAS", "1",
                List.of(784, 400, 400, 10), 477_600L, 4096, 5.0, 1, 100.0,
                List.of(new ContinualStepBench.Result("lwf", 128, 0, 128, true, 4000.0, 32.0, 32.6, 0.326)));

        StepReport.Side read = StepReport.parse(written.toJson(), "bench");

        assertThat(read.figures()).containsExactly(
                new StepReport.Figure("lwf", 128, 128, true, 4000.0, 32.0, 32.6));
        assertThat(read.sgemmGflops()).isEqualTo(100.0);
        assertThat(read.macsPerSample()).isEqualTo(477_600L);
    }

    @Test
    void mainWritesStepMarkdownAndJson(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m1.json"), MNEMO_ROUND_1);
        Files.writeString(dir.resolve("m2.json"), MNEMO_ROUND_2);
        Files.writeString(dir.resolve("r1.json"), REFERENCE);
        Path out = dir.resolve("results");

        StepReport.main(new String[] {
            "--mnemo", dir.resolve("m1.json") + "," + dir.resolve("m2.json"),
            "--reference", dir.resolve("r1.json").toString(), "--out", out.toString()});

        assertThat(Files.readString(out.resolve("step.md"))).contains("| lwf+replay | 128 | 2,000 | 4,000 | 0.50 |");
        JsonNode json = new ObjectMapper().readTree(out.resolve("step.json").toFile());
        assertThat(json.get("rows")).hasSize(3);
        assertThat(json.get("rows").get(0).get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(json.get("rows").get(2).get("ratio").isNull()).isTrue();
        assertThat(json.get("mnemo").get("sgemmGflops").asDouble()).isEqualTo(120.0);
        assertThat(json.get("reference").get("sgemmGflops").asDouble()).isEqualTo(150.0);
    }
}
