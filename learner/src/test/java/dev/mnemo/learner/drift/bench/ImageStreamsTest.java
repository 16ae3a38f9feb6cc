package dev.mnemo.learner.drift.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mnemo.learner.drift.HddmW;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The spliced image streams on the real data sets, in a small size. */
class ImageStreamsTest {

    private static double rate(double[] e, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += e[i];
        }
        return s / (to - from);
    }

    @Test
    void theErrorRateJumpsAtTheSpliceAndHddmWFindsIt() {
        var data = ImageStreams.load();
        assumeTrue(data.isPresent(), "MNIST and Fashion-MNIST are needed");
        var fashion = data.get().fashion().train();
        var mnist = data.get().mnist().train();
        DriftBench.ErrorStream novel = ImageStreams.splice(fashion, mnist, 2_000, 400, 0, false, 1L);
        DriftBench.ErrorStream permuted = ImageStreams.splice(mnist, mnist, 2_000, 400, 0, true, 1L);
        for (DriftBench.ErrorStream s : new DriftBench.ErrorStream[] {novel, permuted}) {
            assertThat(s.drifts()).containsExactly(2_000L);
            assertThat(s.errors()).hasSize(2_400);
            assertThat(rate(s.errors(), 1_600, 2_000)).isLessThan(0.4);
            assertThat(rate(s.errors(), 2_000, 2_100)).isGreaterThan(0.6);
            HddmW d = HddmW.create();
            int first = -1;
            for (int t = 0; t < s.errors().length && first < 0; t++) {
                d.update(s.errors()[t]);
                if (d.driftDetected() && t >= 2_000) {
                    first = t;
                }
            }
            assertThat(first).isBetween(2_000, 2_060);
        }
        // Reproducible per seed.
        assertThat(ImageStreams.splice(mnist, mnist, 300, 100, 0, true, 5L).errors())
                .containsExactly(ImageStreams.splice(mnist, mnist, 300, 100, 0, true, 5L).errors());
    }

    @Test
    void theLabelPermutationHasNoFixedPoint() {
        SplittableRandom r = new SplittableRandom(3);
        for (int k = 0; k < 50; k++) {
            int[] p = ImageStreams.derangement(10, r);
            assertThat(p).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            for (int i = 0; i < 10; i++) {
                assertThat(p[i]).isNotEqualTo(i);
            }
        }
    }
}
