package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exact detection indices on seeded streams. The values were obtained by running the detectors
 * and checked to be plausible (first detection after the change and within about 60 values of it);
 * a change here means the algorithm changed.
 */
class GoldenDetectionTest {

    /** Bernoulli(0.2) for indices 0..999, Bernoulli(0.8) for 1000..1999, seed 42. */
    private static final double[] BERNOULLI = Streams.golden();
    /** Gaussian, standard deviation 1, mean 0 for indices 0..999 and 1 for 1000..1999, seed 42. */
    private static final double[] GAUSSIAN = Streams.gaussian(42L, 1000, 2000, 0.0, 1.0);

    @Test
    void adwin() {
        assertThat(Streams.detections(Adwin.create(), BERNOULLI)).containsExactly(1055, 1087, 1119);
        assertThat(Streams.detections(Adwin.create(), GAUSSIAN)).containsExactly(1055, 1087, 1279);
    }

    @Test
    void pageHinkley() {
        assertThat(Streams.detections(PageHinkley.create(), BERNOULLI)).containsExactly(1056);
        assertThat(Streams.detections(PageHinkley.create(), GAUSSIAN)).containsExactly(1057, 1631);
    }

    @Test
    void ddm() {
        Ddm ddm = Ddm.create();
        assertThat(Streams.detections(ddm, BERNOULLI)).containsExactly(1008);
    }

    @Test
    void ddmWarnsBeforeItDetects() {
        Ddm ddm = Ddm.create();
        int firstWarning = -1;
        for (int i = 0; i < 1008; i++) {
            ddm.update(BERNOULLI[i]);
            if (ddm.warningDetected() && firstWarning < 0) {
                firstWarning = i;
            }
        }
        // An early low run sets a low minimum, so the warning zone is entered long before the change.
        assertThat(firstWarning).isEqualTo(52);
        assertThat(ddm.warningDetected()).isTrue();
        ddm.update(BERNOULLI[1008]);
        assertThat(ddm.driftDetected()).isTrue();
        assertThat(ddm.warningDetected()).isFalse();
    }

    @Test
    void hddmA() {
        assertThat(Streams.detections(HddmA.create(), BERNOULLI)).containsExactly(1050);
        assertThat(Streams.detections(new HddmA(0.001, 0.005, HddmA.Mode.BOTH), BERNOULLI)).containsExactly(1050);
        double[] falling = Streams.bernoulli(42L, 1000, 2000, 0.8, 0.2);
        // A fall restarts the statistics silently by default, and is a drift in mode BOTH.
        assertThat(Streams.detections(HddmA.create(), falling)).isEmpty();
        assertThat(Streams.detections(new HddmA(0.001, 0.005, HddmA.Mode.BOTH), falling)).containsExactly(1020);
    }

    @Test
    void hddmW() {
        assertThat(Streams.detections(HddmW.create(), BERNOULLI)).containsExactly(1008);
        double[] falling = Streams.bernoulli(42L, 1000, 2000, 0.8, 0.2);
        // 503 is a false alarm inside the first, stationary half (an upward run of errors): the
        // weighted averages react fast, at that price. The reference implementation agrees.
        assertThat(Streams.detections(HddmW.create(), falling)).containsExactly(503);
        assertThat(Streams.detections(new HddmW(0.001, 0.005, 0.05, true), falling)).containsExactly(503, 1015);
    }

    @Test
    void hddmWarnsBeforeItDetects() {
        HddmA a = HddmA.create();
        HddmW w = HddmW.create();
        int firstA = -1;
        int firstW = -1;
        for (int i = 0; i < 2000; i++) {
            a.update(BERNOULLI[i]);
            w.update(BERNOULLI[i]);
            if (i >= 1000 && a.warningDetected() && firstA < 0) {
                firstA = i;
            }
            if (i >= 1000 && w.warningDetected() && firstW < 0) {
                firstW = i;
            }
        }
        assertThat(firstA).isEqualTo(1039);
        assertThat(firstW).isEqualTo(1006);
    }

    @Test
    void kswin() {
        assertThat(Streams.detections(Kswin.create(), BERNOULLI)).containsExactly(1051);
        assertThat(Streams.detections(Kswin.create(), GAUSSIAN)).containsExactly(294, 392, 1028, 1852, 1991);
    }

    @Test
    void scheduled() {
        assertThat(Streams.detections(ScheduledDetector.every(300), BERNOULLI))
                .containsExactly(299, 599, 899, 1199, 1499, 1799);
    }

    @Test
    void everyRealDetectorFiresShortlyAfterTheChangeOfRate() {
        for (DriftDetector d : List.of(Adwin.create(), PageHinkley.create(), Ddm.create(), Kswin.create(),
                HddmA.create(), HddmW.create())) {
            List<Integer> hits = Streams.detections(d, BERNOULLI);
            assertThat(hits).as("%s", d).isNotEmpty().allMatch(i -> i >= 1000);
            assertThat(hits.get(0)).as("%s", d).isBetween(1000, 1100);
        }
    }
}
