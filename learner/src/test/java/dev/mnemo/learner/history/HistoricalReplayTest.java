package dev.mnemo.learner.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;

/**
 * The replay engine on the real 8x8 digits, class-incremental in 5 tasks, from memory: the same
 * numbers with lanes in parallel or one after the other, a filled accuracy matrix, and reports
 * that hold what they should.
 */
class HistoricalReplayTest {

    private static List<ReplaySample> samples;

    @BeforeAll
    static void load() {
        assumeTrue(Datasets.firstAvailable(Datasets.DIGITS).isPresent(), "digits data not found; ./mnemo data fetches it");
        LabelledData digits = Datasets.digits();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(digits, 2, 1797, 3L);
        samples = new ArrayList<>();
        for (int k = 0; k < order.size(); k++) {
            int i = order.indices()[k];
            samples.add(new ReplaySample("t", 0, k, 1_000_000L + k, "digits-" + i, Integer.toString(order.taskIds()[k]),
                    digits.label(i), digits.feature(i)));
        }
    }

    private static ReplayConfig config(boolean parallel) {
        return ReplayConfig.of(List.of("fine-tune", "lwf+replay"), 7L).withHoldout(Holdout.byIdHash(0.2))
                .withBatchSize(16).withBlockSize(64).withSampleEvery(50).withParallel(parallel);
    }

    private static ObjectNode withoutTimings(ReplayResult r) {
        ObjectNode json = ReplayJson.tree(r);
        json.remove("throughput");
        json.withArray("lanes").forEach(l -> ((ObjectNode) l).remove("throughput"));
        return json;
    }

    @Test
    void parallelAndSequentialLanesGiveTheSameNumbers() {
        ReplayResult parallel = HistoricalReplay.run(SampleSource.of(samples), null, config(true), StartingModel.fresh(),
                HistoricalReplay.Progress.NONE);
        ReplayResult sequential = HistoricalReplay.run(SampleSource.of(samples), null, config(false),
                StartingModel.fresh(), HistoricalReplay.Progress.NONE);
        assertThat(withoutTimings(parallel)).isEqualTo(withoutTimings(sequential));
        // The lanes' error-rate detectors fire at the class switches, so the equality above covers them.
        assertThat(parallel.lanes().stream().mapToInt(l -> l.drifts().size()).sum()).as("drifts").isPositive();

        assertThat(parallel.tasks()).containsExactly("1", "2", "3", "4", "5");
        ReplayResult.Counts c = parallel.counts();
        assertThat(c.read()).isEqualTo(samples.size());
        assertThat(c.trained() + c.heldOut()).isEqualTo(samples.size());
        for (ReplayResult.LaneResult lane : parallel.lanes()) {
            assertThat(lane.scored()).isEqualTo(c.trained());
            // Four new task tags end four tasks; each drift the checks confirm ends one more, as live.
            long confirmed = lane.alerts().stream()
                    .filter(a -> "NOVEL_INPUTS".equals(a.verdict()) || "CONCEPT_CHANGE".equals(a.verdict())).count();
            assertThat(lane.taskBoundaries()).isEqualTo(4 + confirmed);
            assertThat(lane.matrix().rows()).hasDimensions(5, 5);
            double diagonal = 0;
            for (int i = 0; i < 5; i++) {
                diagonal += lane.matrix().rows()[i][i] / 5;
            }
            // A few hundred samples per task: each task is learned well above the 10% of chance.
            assertThat(diagonal).as("mean of R[i][i] of %s: %s", lane.name(),
                    java.util.Arrays.deepToString(lane.matrix().rows())).isGreaterThan(0.6);
            assertThat(lane.matrix().acc()).isBetween(0.0, 1.0);
            assertThat(lane.curve()).isNotEmpty();
        }
        ReplayResult.LaneResult fineTune = parallel.lanes().get(0);
        ReplayResult.LaneResult lwfReplay = parallel.lanes().get(1);
        // Fine-tuning forgets the old classes of a class-incremental stream; replay keeps some of them.
        assertThat(fineTune.matrix().bwt()).isLessThan(-0.5);
        assertThat(lwfReplay.matrix().acc()).isGreaterThan(fineTune.matrix().acc());
    }

    @Test
    void reportsCarryTheChartsAndTheNumbers() throws Exception {
        ReplayResult r = HistoricalReplay.run(SampleSource.of(samples), null, config(true), StartingModel.fresh(),
                HistoricalReplay.Progress.NONE);
        String html = HtmlReport.render(r);
        assertThat(html).contains("<svg").contains("<h3>fine-tune</h3>").contains("<h3>lwf+replay</h3>")
                .contains("id=\"accuracy-over-time\"").contains("id=\"final-metrics\"");
        assertThat(html.split("<svg", -1).length - 1).as("SVG charts").isEqualTo(4);
        assertThat(html).doesNotContain("<script").doesNotContain("http://cdn").doesNotContain("https://");

        JsonNode json = new ObjectMapper().readTree(ReplayJson.write(r));
        for (String key : List.of("format", "range", "partitions", "config", "startingModel", "records", "tasks",
                "holdoutPerTask", "throughput", "lanes")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        JsonNode lane = json.get("lanes").get(1);
        assertThat(lane.get("name").asText()).isEqualTo("lwf+replay");
        assertThat(lane.get("accuracyMatrix").get("acc").asDouble()).isEqualTo(r.lanes().get(1).matrix().acc());
        assertThat(lane.get("prequential").get("correct").asLong()).isEqualTo(r.lanes().get(1).correct());
        assertThat(json.get("config").get("seed").asLong()).isEqualTo(7L);
    }

    @Test
    void holdoutByIdIsStableAndNearItsFraction() {
        Holdout h = Holdout.byIdHash(0.1);
        long held = samples.stream().filter(h::test).count();
        assertThat(held).isBetween((long) (samples.size() * 0.06), (long) (samples.size() * 0.14));
        assertThat(Holdout.unitHash("digits-17")).isEqualTo(Holdout.unitHash("digits-17"));
        assertThatThrownBy(() -> Holdout.byIdHash(1.0)).hasMessageContaining("[0, 1)");
    }

    @Test
    void fromACheckpointEveryRunGivesTheSameNumbers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.mnemo.learner.strategy.ContinualTrainer trainer = dev.mnemo.learner.strategy.StrategySpec.parse("fine-tune")
                .trainer(dev.mnemo.learner.model.MlpSpec.defaults(64, 10).withSeed(3L));
        float[][] x = new float[64][];
        int[] y = new int[64];
        for (int i = 0; i < 64; i++) {
            x[i] = samples.get(i).features();
            y[i] = samples.get(i).label();
        }
        for (int step = 0; step < 5; step++) {
            trainer.step(dev.mnemo.learner.strategy.Batch.labelled(x, y, 0));
        }
        java.nio.file.Path file = dir.resolve("model.zip");
        trainer.model().save(file);
        List<ObjectNode> runs = new ArrayList<>();
        for (boolean parallel : new boolean[] {true, true, false, false}) {
            runs.add(withoutTimings(HistoricalReplay.run(SampleSource.of(samples), null,
                    ReplayConfig.of(List.of("fine-tune", "lwf"), 7L).withHoldout(Holdout.byIdHash(0.1)).withBatchSize(16)
                            .withBlockSize(64).withParallel(parallel),
                    StartingModel.checkpoint(file), HistoricalReplay.Progress.NONE)));
        }
        for (ObjectNode run : runs) {
            assertThat(run).isEqualTo(runs.get(0));
        }
        assertThat(runs.get(0).get("startingModel").get("version").asLong()).isEqualTo(5L);
    }

    @Test
    void aTimeWindowHoldoutKeepsThoseSamplesOutOfTraining() {
        long from = samples.get(100).timestamp();
        long to = samples.get(300).timestamp();
        ReplayResult r = HistoricalReplay.run(SampleSource.of(samples), null,
                config(false).withHoldout(Holdout.byTime(from, to)), StartingModel.fresh(), HistoricalReplay.Progress.NONE);
        assertThat(r.counts().heldOut()).isEqualTo(200);
        assertThat(r.counts().trained()).isEqualTo(samples.size() - 200);
        assertThat(r.lanes().get(0).scored()).isEqualTo(samples.size() - 200);
        assertThat(r.config().holdout().describe()).startsWith("time:");
    }

    @Test
    void rangeOptionsParseAndNameBadValues() {
        assertThat(ReplayRange.parseOffsets("0:120,1:98")).isEqualTo(Map.of(0, 120L, 1, 98L));
        assertThat(ReplayRange.parseOffsets("5")).isEqualTo(Map.of(ReplayRange.ALL, 5L));
        assertThat(ReplayRange.parseTime("2026-11-21T10:00:00Z")).isEqualTo(1_795_255_200_000L);
        assertThat(ReplayRange.parseTime("1234")).isEqualTo(1234L);
        assertThatThrownBy(() -> ReplayRange.parseTime("yesterday")).hasMessageContaining("'yesterday'");
        assertThatThrownBy(() -> ReplayRange.parseOffsets("0=1")).hasMessageContaining("'0=1'");
        ReplayRange r = ReplayRange.topics(List.of("a")).withOffsets(Map.of(ReplayRange.ALL, 10L, 1, 20L), Map.of());
        assertThat(r.fromOffset(0).getAsLong()).isEqualTo(10L);
        assertThat(r.fromOffset(1).getAsLong()).isEqualTo(20L);
        assertThatThrownBy(() -> ReplayRange.topics(List.of("a")).withTimes(10L, 5L)).hasMessageContaining("after");
    }

    @Test
    void progressLineShowsRateAndTimeToGo() {
        assertThat(ProgressBar.line(500, 1000, 2.0)).contains(" 50%").contains("500/1000 records").contains("250 rec/s")
                .contains("ETA 0:02");
    }

    @Test
    void commandLineErrorsNameTheOption() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = ReplayMain.run(new String[] {"--seed", "seven"}, System.out, new java.io.PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--seed takes a whole number, got 'seven'");
    }
}
