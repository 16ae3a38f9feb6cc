package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectedKswinTest {

    /** 16-dimensional Gaussian vectors; from index 1000 on, the first 4 coordinates shift by 1.5. */
    private static float[][] shiftingFeatures() {
        SplitMix64 rng = new SplitMix64(5);
        float[][] x = new float[2000][16];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 16; j++) {
                x[i][j] = (float) (rng.nextGaussian() + (i >= 1000 && j < 4 ? 1.5 : 0.0));
            }
        }
        return x;
    }

    private static List<Integer> detections(ProjectedKswin m, float[][] x, int from, int to) {
        List<Integer> hits = new ArrayList<>();
        for (int i = from; i < to; i++) {
            m.update(x[i]);
            if (m.driftDetected()) {
                hits.add(i);
            }
        }
        return hits;
    }

    @Test
    void detectsAShiftOfTheFeatures() {
        List<Integer> hits = detections(ProjectedKswin.create(16, 42L), shiftingFeatures(), 0, 2000);
        // Golden: KSWIN tests a window of 100 at every step, so it also fires now and then on a
        // stationary stream (563, 836); the shift at 1000 is found 29 vectors later.
        assertThat(hits).containsExactly(563, 836, 1029, 1220, 1350, 1564);
    }

    @Test
    void snapshotAndRestoreContinueIdentically() {
        float[][] x = shiftingFeatures();
        ProjectedKswin a = ProjectedKswin.create(16, 42L);
        detections(a, x, 0, 900);
        ProjectedKswin b = a.fresh();
        b.restore(a.snapshot());
        assertThat(detections(b, x, 900, 2000)).isEqualTo(detections(a, x, 900, 2000));
        assertThat(b.seen()).isEqualTo(2000);
    }

    @Test
    void projectionIsSeededAndKeepsNormsOnAverage() {
        RandomProjection p = new RandomProjection(256, 64, 7L);
        RandomProjection q = new RandomProjection(256, 64, 7L);
        SplitMix64 rng = new SplitMix64(1);
        double ratio = 0;
        for (int n = 0; n < 200; n++) {
            float[] x = new float[256];
            double norm = 0;
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) rng.nextGaussian();
                norm += x[j] * x[j];
            }
            double[] z = p.project(x);
            assertThat(z).containsExactly(q.project(x));
            double zn = 0;
            for (double v : z) {
                zn += v * v;
            }
            ratio += zn / norm / 200;
        }
        assertThat(ratio).isCloseTo(1.0, within(0.05));
        assertThatThrownBy(() -> p.project(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 256");
        assertThatThrownBy(() -> new RandomProjection(4, 5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputs must be in [1, inputs] = [1, 4]");
    }
}
