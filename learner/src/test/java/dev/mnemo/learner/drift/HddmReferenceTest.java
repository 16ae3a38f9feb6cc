package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import moa.classifiers.core.driftdetection.AbstractChangeDetector;
import moa.classifiers.core.driftdetection.HDDM_A_Test;
import moa.classifiers.core.driftdetection.HDDM_W_Test;
import org.junit.jupiter.api.Test;

/**
 * HDDM-A and HDDM-W against the MOA reference (test scope only), each with its defaults: exactly
 * the same drift and warning indices on seeded streams with rises, falls and recurring changes.
 * (The reference's HDDM-A default is its two-sided test, in which a fall restarts the statistics
 * without a signal: {@link HddmA.Mode#RISE_RESTART_ON_FALL}.)
 */
class HddmReferenceTest {

    private static List<double[]> streams() {
        List<double[]> s = new ArrayList<>();
        s.add(Streams.golden());
        s.add(Streams.bernoulli(7L, 800, 4000, 0.2, 0.8));
        s.add(Streams.bernoulli(9L, 3000, 9000, 0.1, 0.15));
        s.add(Streams.bernoulli(11L, 2000, 6000, 0.5, 0.3));
        s.add(Streams.bernoulli(42L, 1000, 2000, 0.8, 0.2));
        double[] cycle = new double[20_000];
        SplitMix64 rng = new SplitMix64(3);
        for (int i = 0; i < cycle.length; i++) {
            double p = (i / 2500) % 2 == 0 ? 0.05 : 0.4;
            cycle[i] = rng.nextDouble() < p ? 1 : 0;
        }
        s.add(cycle);
        return s;
    }

    private static List<Integer> moa(Supplier<AbstractChangeDetector> f, double[] x, boolean warnings) {
        AbstractChangeDetector d = f.get();
        d.prepareForUse();
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            d.input(x[i]);
            if (warnings ? d.getWarningZone() : d.getChange()) {
                hits.add(i);
            }
        }
        return hits;
    }

    private static List<Integer> mine(DriftDetector d, double[] x, boolean warnings) {
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            d.update(x[i]);
            if (warnings ? d.warningDetected() : d.driftDetected()) {
                hits.add(i);
            }
        }
        return hits;
    }

    @Test
    void hddmAMatchesTheReference() {
        int k = 0;
        for (double[] x : streams()) {
            assertThat(mine(HddmA.create(), x, false)).as("stream %d", k).isEqualTo(moa(HDDM_A_Test::new, x, false));
            assertThat(mine(HddmA.create(), x, true)).as("warnings %d", k).isEqualTo(moa(HDDM_A_Test::new, x, true));
            k++;
        }
    }

    @Test
    void hddmWMatchesTheReference() {
        int k = 0;
        for (double[] x : streams()) {
            assertThat(mine(HddmW.create(), x, false)).as("stream %d", k).isEqualTo(moa(HDDM_W_Test::new, x, false));
            assertThat(mine(HddmW.create(), x, true)).as("warnings %d", k).isEqualTo(moa(HDDM_W_Test::new, x, true));
            k++;
        }
    }
}
