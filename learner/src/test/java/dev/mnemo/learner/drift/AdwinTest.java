package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** ADWIN's window statistics and memory bound. */
class AdwinTest {

    @Test
    void estimationIsTheMeanOfASimpleStream() {
        Adwin adwin = Adwin.create();
        assertThat(adwin.estimation()).isZero();
        for (int i = 0; i < 100; i++) {
            adwin.update(i % 4); // 0, 1, 2, 3, ...: mean 1.5, variance 1.25
        }
        assertThat(adwin.driftDetected()).isFalse();
        assertThat(adwin.width()).isEqualTo(100);
        assertThat(adwin.estimation()).isCloseTo(1.5, within(1e-12));
        assertThat(adwin.variance()).isCloseTo(1.25, within(1e-12));
    }

    @Test
    void windowIsAlwaysTheLatestValuesAndItsStatisticsAreExact() {
        double[] x = Streams.gaussian(3L, 3000, 6000, 0.0, 2.0);
        Adwin adwin = Adwin.create();
        boolean shrunk = false;
        for (int i = 0; i < x.length; i++) {
            adwin.update(x[i]);
            shrunk |= adwin.driftDetected();
            int w = (int) adwin.width();
            double mean = 0.0;
            for (int j = i - w + 1; j <= i; j++) {
                mean += x[j];
            }
            mean /= w;
            double var = 0.0;
            for (int j = i - w + 1; j <= i; j++) {
                var += (x[j] - mean) * (x[j] - mean);
            }
            var /= w;
            assertThat(adwin.estimation()).as("mean at %d", i).isCloseTo(mean, within(1e-9));
            assertThat(adwin.variance()).as("variance at %d", i).isCloseTo(var, within(1e-7));
        }
        assertThat(shrunk).isTrue();
        assertThat(adwin.width()).isLessThanOrEqualTo(3000); // only the new concept is left
        assertThat(adwin.estimation()).isCloseTo(2.0, within(0.15));
    }

    @Test
    void forgetsTheOldConceptAfterAnAbruptChange() {
        Adwin adwin = Adwin.create();
        for (int i = 0; i < 1000; i++) {
            adwin.update(0.0);
        }
        int firstDrift = -1;
        for (int i = 1000; i < 2000; i++) {
            adwin.update(1.0);
            if (adwin.driftDetected() && firstDrift < 0) {
                firstDrift = i;
            }
        }
        assertThat(firstDrift).isEqualTo(1023);
        assertThat(adwin.detections()).isPositive();
        assertThat(adwin.estimation()).isGreaterThan(0.95);
        assertThat(adwin.width()).isLessThan(1100);
    }

    @Test
    void memoryGrowsLogarithmically() {
        Adwin adwin = Adwin.create();
        SplitMix64 rng = new SplitMix64(1);
        for (int i = 0; i < 1_000_000; i++) {
            adwin.update(rng.nextDouble() < 0.5 ? 1.0 : 0.0);
        }
        // log2(1e6 / 5) is about 18 rows of at most 5 buckets.
        assertThat(adwin.buckets()).isLessThanOrEqualTo(5 * 19);
        assertThat(adwin.width()).isGreaterThan(100_000);
    }
}
