package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every real detector beats the scheduled baseline on the same streams: 20 seeded streams with a
 * change of rate from 0.2 to 0.8 at index 1000, against a dummy that fires every 300 updates (3
 * false alarms per stream, delay 199). Measured: false alarms over the 20 streams and mean delay
 * of the first detection at or after the change.
 */
class ScheduledBaselineComparisonTest {

    private static final int CHANGE = 1000;
    private static final int SEEDS = 20;

    private record Score(int falseAlarms, double meanDelay, int missed) {
    }

    private static Score score(Supplier<DriftDetector> factory) {
        int falseAlarms = 0;
        long delay = 0;
        int missed = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            List<Integer> hits = Streams.detections(factory.get(),
                    Streams.bernoulli(seed, CHANGE, 2 * CHANGE, 0.2, 0.8));
            falseAlarms += (int) hits.stream().filter(i -> i < CHANGE).count();
            int first = hits.stream().filter(i -> i >= CHANGE).findFirst().orElse(-1);
            if (first < 0) {
                missed++;
                delay += CHANGE;
            } else {
                delay += first - CHANGE;
            }
        }
        return new Score(falseAlarms, (double) delay / SEEDS, missed);
    }

    @Test
    void baselineScore() {
        assertThat(score(() -> ScheduledDetector.every(300))).isEqualTo(new Score(60, 199.0, 0));
    }

    @Test
    void everyDetectorHasFewerFalseAlarmsAndAShorterDelayThanTheBaseline() {
        Score baseline = score(() -> ScheduledDetector.every(300));
        List<Supplier<DriftDetector>> detectors =
                List.of(Adwin::create, PageHinkley::create, Ddm::create, Kswin::create);
        for (Supplier<DriftDetector> factory : detectors) {
            Score s = score(factory);
            String name = factory.get().getClass().getSimpleName();
            assertThat(s.missed()).as("%s missed changes", name).isZero();
            assertThat(s.falseAlarms()).as("%s false alarms", name).isLessThan(baseline.falseAlarms());
            assertThat(s.meanDelay()).as("%s mean delay", name).isLessThan(baseline.meanDelay());
        }
    }

    @Test
    void measuredScores() {
        assertThat(score(Adwin::create)).isEqualTo(new Score(0, 50.2, 0));
        assertThat(score(PageHinkley::create)).isEqualTo(new Score(0, 74.75, 0));
        assertThat(score(Ddm::create)).isEqualTo(new Score(6, 53.15, 0));
        assertThat(score(Kswin::create)).isEqualTo(new Score(0, 19.2, 0));
    }
}
