package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ReservoirBufferTest {

    private static final long SEED = 2019L;

    /** Slot contents after offering ids 0..19 to capacity 5, computed by the plain rule. */
    private static int[] referenceReservoir(int items, int capacity, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        int[] slots = new int[capacity];
        for (int n = 0; n < items; n++) {
            if (n < capacity) {
                slots[n] = n;
            } else {
                long j = rng.nextLong(n + 1L);
                if (j < capacity) {
                    slots[(int) j] = n;
                }
            }
        }
        return slots;
    }

    private static int[] ids(CompactReplayBuffer buffer) {
        float[][] rows = buffer.contents().features();
        return Arrays.stream(rows).mapToInt(r -> (int) r[0]).toArray();
    }

    @Test
    void goldenSlotsForTwentyItemsIntoFive() {
        ReservoirBuffer buffer = new ReservoirBuffer(SampleFormat.float32(1), 5, SEED);
        boolean[] stored = new boolean[20];
        for (int i = 0; i < 20; i++) {
            stored[i] = buffer.add(new float[] {i}, i % 3, 0);
        }
        assertThat(ids(buffer)).containsExactly(referenceReservoir(20, 5, SEED));
        assertThat(ids(buffer)).containsExactly(GOLDEN_SLOTS);
        assertThat(buffer.contents().labels()).containsExactly(Arrays.stream(GOLDEN_SLOTS).map(i -> i % 3).toArray());
        assertThat(stored).startsWith(true, true, true, true, true);
        assertThat(buffer.seen()).isEqualTo(20);
        assertThat(buffer.size()).isEqualTo(5);
    }

    @Test
    void agreesWithTheReferenceOnLongerStreams() {
        for (long seed = 0; seed < 20; seed++) {
            ReservoirBuffer buffer = new ReservoirBuffer(SampleFormat.float32(1), 17, seed);
            for (int i = 0; i < 1000; i++) {
                buffer.add(new float[] {i}, 0, 0);
            }
            assertThat(ids(buffer)).as("seed %d", seed).containsExactly(referenceReservoir(1000, 17, seed));
        }
    }

    @Test
    void everyItemIsKeptWithProbabilityCapacityOverSeen() {
        int items = 50;
        int capacity = 10;
        int trials = 20_000;
        int[] kept = new int[items];
        for (int t = 0; t < trials; t++) {
            ReservoirBuffer buffer = new ReservoirBuffer(SampleFormat.float32(1), capacity, t);
            for (int i = 0; i < items; i++) {
                buffer.add(new float[] {i}, 0, 0);
            }
            for (int id : ids(buffer)) {
                kept[id]++;
            }
        }
        // Expected 4000 each (p = 0.2); sd = sqrt(20000 * 0.2 * 0.8) ~ 57, so 5 sd is 283.
        for (int i = 0; i < items; i++) {
            assertThat(kept[i]).as("item %d", i).isBetween(4000 - 283, 4000 + 283);
        }
    }

    /** Hard-coded so that a change to the generator or to the rule is caught even if both sides change. */
    static final int[] GOLDEN_SLOTS = {0, 7, 16, 12, 4};
}
