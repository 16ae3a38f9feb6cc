package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Shrinking a reservoir keeps a uniformly random subset: every stored sample survives with p = new / old. */
class ResizeFairnessTest {

    @Test
    void survivorsAreAUniformSubset() {
        int stored = 200;
        int kept = 50;
        int trials = 4000;
        int[] survived = new int[stored];
        for (int t = 0; t < trials; t++) {
            ReservoirBuffer buffer = new ReservoirBuffer(SampleFormat.float32(1), stored, 1000L + t);
            for (int i = 0; i < stored; i++) {
                buffer.add(new float[] {i}, 0, 0);
            }
            buffer.resize(kept);
            for (float[] row : buffer.contents().features()) {
                survived[(int) row[0]]++;
            }
        }
        // Chi-square with 199 degrees of freedom: mean 199, sd ~ 20; 300 is about 5 sd.
        double expected = (double) trials * kept / stored;
        double chi2 = 0;
        for (int s : survived) {
            chi2 += (s - expected) * (s - expected) / expected;
        }
        assertThat(chi2).isLessThan(300);
        // Early and late slots alike: no positional bias from the swap-remove.
        int firstHalf = 0;
        for (int i = 0; i < stored / 2; i++) {
            firstHalf += survived[i];
        }
        assertThat((double) firstHalf / (trials * kept)).isBetween(0.48, 0.52);
    }

    @Test
    void shrinkingIsSeeded() {
        ReservoirBuffer a = new ReservoirBuffer(SampleFormat.float32(1), 100, 8L);
        ReservoirBuffer b = new ReservoirBuffer(SampleFormat.float32(1), 100, 8L);
        for (int i = 0; i < 300; i++) {
            a.add(new float[] {i}, 0, 0);
            b.add(new float[] {i}, 0, 0);
        }
        a.resize(10);
        b.resize(10);
        assertThat(a.contents().features()).isDeepEqualTo(b.contents().features());
    }
}
