package dev.mnemo.learner.drift.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mnemo.learner.drift.bench.DriftBench.Comparison;
import dev.mnemo.learner.drift.bench.DriftBench.Report;
import dev.mnemo.learner.drift.bench.DriftBench.Row;
import dev.mnemo.learner.drift.streams.Stagger;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reduced drift benchmark ({@link DriftBench.Config#quick()}: 4 drifts per stream, 2 seeds),
 * with the MOA reference beside Mnemo's detectors when it is on the class path (it is, in test
 * scope), and floors that a regression would break.
 */
class DriftBenchTest {

    private static final List<String> CLEAR_ABRUPT = List.of("STAGGER", "Agrawal");
    /** Samples by which Mnemo's delay may exceed the MOA reference's. */
    private static final double DELAY_SLACK = 10.0;

    private static boolean moa;
    private static Report report;

    @BeforeAll
    static void runTheReducedBenchmark() {
        moa = moaOnClassPath();
        List<Contender> contenders = moa ? MoaReference.all() : DriftBench.contenders();
        report = DriftBench.run(DriftBench.Config.quick(), contenders, new PrintStream(OutputStream.nullOutputStream()));
    }

    private static boolean moaOnClassPath() {
        try {
            Class.forName("moa.classifiers.core.driftdetection.ADWINChangeDetector", false,
                    DriftBenchTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Test
    void adwinMissesNoAbruptDriftOnStaggerAndAgrawalAndIsQuick() {
        for (String stream : CLEAR_ABRUPT) {
            for (String name : List.of("ADWIN", "ADWIN (rise)")) {
                Row r = report.row(stream, name, Contender.MNEMO);
                assertThat(r.drifts()).as(stream).isEqualTo(8);
                assertThat(r.missed()).as(stream + " " + name).isZero();
                assertThat(r.meanDelay()).as(stream + " " + name).isLessThan(100.0);
                assertThat(r.maxDelay()).as(stream + " " + name).isLessThan(250);
            }
        }
    }

    @Test
    void ddmAndPageHinkleyFindEveryClearAbruptDriftWithinTheTolerance() {
        for (String stream : CLEAR_ABRUPT) {
            for (String name : List.of("DDM", "Page-Hinkley")) {
                Row r = report.row(stream, name, Contender.MNEMO);
                assertThat(r.missed()).as(stream + " " + name).isZero();
                assertThat(r.meanDelay()).as(stream + " " + name).isLessThan(200.0);
                assertThat(r.falseAlarmsPer10k()).as(stream + " " + name).isLessThan(0.5);
            }
        }
    }

    @Test
    void watchingOnlyRisesOfTheErrorRemovesAdwinsRecoveryAlarms() {
        for (Row r : report.rows()) {
            if (r.detector().equals("ADWIN") && r.source().equals(Contender.MNEMO)) {
                Row rise = report.row(r.scenario(), "ADWIN (rise)", Contender.MNEMO);
                assertThat(rise.missed()).isEqualTo(r.missed());
                assertThat(rise.meanDelay()).isEqualTo(r.meanDelay());
                assertThat(rise.falseAlarmsPer10k()).isLessThanOrEqualTo(r.falseAlarmsPer10k());
            }
        }
    }

    @Test
    void theScheduleIsAYardstickNeverABest() {
        for (Row r : report.rows()) {
            assertThat(report.best(r.scenario(), Contender.MNEMO).source()).isEqualTo(Contender.MNEMO);
        }
        Row every = report.row("STAGGER", "every 1000", Contender.BASELINE);
        assertThat(every.missed()).isZero();
        assertThat(every.meanDelay()).isEqualTo(999.0);
    }

    @Test
    void mnemosBestIsAsQuickAsTheMoaReferencesBestOfTheSameAlgorithmsWithNoMoreFalseAlarms() {
        assumeTrue(moa, "the MOA reference is not on the class path");
        for (Comparison c : report.compare(MoaReference.SOURCE, DELAY_SLACK,
                r -> DriftBench.SHARED_ALGORITHMS.contains(r.detector()))) {
            if (!CLEAR_ABRUPT.contains(c.scenario())) {
                continue;
            }
            assertThat(c.matching()).as(c.toString()).isNotNull();
            assertThat(c.matching().meanDelay()).isLessThanOrEqualTo(c.otherBest().meanDelay() + DELAY_SLACK);
            assertThat(c.matching().falseAlarmsPer10k()).isLessThanOrEqualTo(c.otherBest().falseAlarmsPer10k());
            assertThat(c.matching().missed()).isLessThanOrEqualTo(c.otherBest().missed());
        }
    }

    @Test
    void adwinOnRisesAndDdmDetectExactlyWhereTheMoaReferenceDoesOnAbruptStreams() {
        assumeTrue(moa, "the MOA reference is not on the class path");
        for (String stream : List.of("SEA", "Agrawal", "STAGGER", "Hyperplane")) {
            assertSameScores(report.row(stream, "ADWIN (rise)", Contender.MNEMO),
                    report.row(stream, "ADWIN", MoaReference.SOURCE));
            assertSameScores(report.row(stream, "DDM", Contender.MNEMO),
                    report.row(stream, "DDM", MoaReference.SOURCE));
        }
    }

    @Test
    void hddmDetectsExactlyWhereTheMoaReferenceDoesOnEveryStream() {
        assumeTrue(moa, "the MOA reference is not on the class path");
        for (DriftBench.Scenario s : report.scenarios()) {
            for (String name : List.of("HDDM-A", "HDDM-W")) {
                assertSameScores(report.row(s.name(), name, Contender.MNEMO),
                        report.row(s.name(), name, MoaReference.SOURCE));
            }
        }
    }

    @Test
    void onEveryAbruptStreamAMnemoDetectorMatchesTheBestOfAllMoaReferenceDetectors() {
        assumeTrue(moa, "the MOA reference is not on the class path");
        for (Comparison c : report.compare(MoaReference.SOURCE, 0.0)) {
            if (c.abrupt()) {
                assertThat(c.matching()).as(c.toString()).isNotNull();
                assertThat(Row.BEST_FIRST.compare(c.mnemoBest(), c.otherBest())).as(c.toString()).isLessThanOrEqualTo(0);
            }
        }
    }

    private static void assertSameScores(Row mnemo, Row reference) {
        assertThat(mnemo.missed()).as(mnemo.toString()).isEqualTo(reference.missed());
        assertThat(mnemo.maxDelay()).as(mnemo.toString()).isEqualTo(reference.maxDelay());
        // Double.compare: both are NaN when neither detects anything.
        assertThat(Double.compare(mnemo.meanDelay(), reference.meanDelay())).as(mnemo.toString()).isZero();
        assertThat(mnemo.falseAlarmsPer10k()).as(mnemo.toString()).isEqualTo(reference.falseAlarmsPer10k());
    }

    @Test
    void reportsTheSameRowsAsMarkdownAndJson() {
        String md = report.markdown("cmd", moa ? MoaReference.SOURCE : null);
        String json = report.json();
        assertThat(md).startsWith("Command: `cmd`").contains("| STAGGER | ADWIN | Mnemo | 8 | 0 |");
        assertThat(json).startsWith("{\"period\":5000,\"drifts\":4,\"seeds\":[1,2]")
                .contains("{\"stream\":\"STAGGER\",\"abrupt\":true,\"detector\":\"ADWIN\",\"source\":\"Mnemo\"");
        long jsonRows = json.lines().filter(l -> l.startsWith("  {")).count();
        assertThat(jsonRows).isEqualTo(report.rows().size());
    }

    @Test
    void theSplicedStreamDriftsEveryPeriodAndTheErrorStreamIsReproducible() {
        RecurringDriftStream.ConceptSource stagger = (seed, c) -> Stagger.abrupt(seed, c, c, 0);
        RecurringDriftStream s = new RecurringDriftStream(stagger, new int[] {0, 1, 2, 0}, 1_000, 0, 42);
        assertThat(s.driftPoints()).containsExactly(1_000, 2_000, 3_000);
        assertThat(s.length()).isEqualTo(4_000);
        int[] concepts = {0, 1, 2, 0};
        for (int t = 0; t < 4_000; t++) {
            var sample = s.next();
            assertThat(sample.y()).isEqualTo(Stagger.label(concepts[t / 1_000], sample.x()));
        }
        double[] a = DriftBench.errors(new RecurringDriftStream(stagger, concepts, 1_000, 0, 7), 500);
        double[] b = DriftBench.errors(new RecurringDriftStream(stagger, concepts, 1_000, 0, 7), 500);
        assertThat(a).containsExactly(b);
    }
}
