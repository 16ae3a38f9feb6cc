package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Balance invariants of {@link ClassBalancedBuffer} and {@link TaskQuotaBuffer}. */
class GroupBalancedBufferTest {

    @Test
    void rareClassesKeepEverySampleAndFrequentOnesShareTheRest() {
        ClassBalancedBuffer buffer = new ClassBalancedBuffer(SampleFormat.uint8(4), 100, 1L);
        SplittableRandom stream = new SplittableRandom(2);
        int[] seen = new int[5];
        for (int i = 0; i < 20_000; i++) {
            // class 0: 90%, classes 1-3: ~3% each, class 4: 10 samples in all
            int label = i % 2000 == 0 ? 4 : stream.nextInt(100) < 90 ? 0 : 1 + stream.nextInt(3);
            seen[label]++;
            buffer.add(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, label, 0);
            assertBalanced(buffer.stats().countPerClass(), seen, 100);
        }
        Map<Integer, Integer> counts = buffer.stats().countPerClass();
        assertThat(counts.get(4)).isEqualTo(10);
        assertThat(counts.get(0)).isBetween(22, 23);
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    }

    /**
     * Once full: a class holds all it has seen, or at least as many as every other class holds
     * minus one is not guaranteed mid-stream, but no class is ever below min(seen, floor(M / k)).
     */
    private static void assertBalanced(Map<Integer, Integer> counts, int[] seen, int capacity) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (total < capacity) {
            for (int c = 0; c < seen.length; c++) {
                assertThat(counts.getOrDefault(c, 0)).isEqualTo(seen[c]);
            }
            return;
        }
        int k = (int) java.util.Arrays.stream(seen).filter(s -> s > 0).count();
        for (int c = 0; c < seen.length; c++) {
            assertThat(counts.getOrDefault(c, 0)).as("class %d", c).isGreaterThanOrEqualTo(Math.min(seen[c], capacity / k));
        }
    }

    @Test
    void balancedStreamEndsExactlyBalanced() {
        ClassBalancedBuffer buffer = new ClassBalancedBuffer(SampleFormat.float16(2), 50, 3L);
        for (int i = 0; i < 5000; i++) {
            buffer.add(new float[] {i, 0}, i % 5, 0);
        }
        assertThat(buffer.stats().countPerClass()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 10, 1, 10, 2, 10, 3, 10, 4, 10));
    }

    @Test
    void eachClassKeepsAUniformSampleOfItsOwnStream() {
        int[] kept = new int[100];
        for (int t = 0; t < 4000; t++) {
            ClassBalancedBuffer buffer = new ClassBalancedBuffer(SampleFormat.float32(1), 20, t);
            for (int i = 0; i < 100; i++) {
                buffer.add(new float[] {i}, i % 2, 0); // 50 per class, 10 slots per class
            }
            for (float[] row : buffer.contents().features()) {
                kept[(int) row[0]]++;
            }
        }
        // p = 10/50 = 0.2 per item; 800 expected, sd ~ 25
        assertThat(java.util.stream.IntStream.of(kept).boxed().toList()).allSatisfy(k -> assertThat(k).isBetween(800 - 130, 800 + 130));
    }

    @Test
    void tasksShareTheCapacityEquallyAsTheyArrive() {
        TaskQuotaBuffer buffer = new TaskQuotaBuffer(SampleFormat.uint8(1), 60, 4L);
        for (int task = 0; task < 3; task++) {
            for (int i = 0; i < 1000; i++) {
                buffer.add(new float[] {0.5f}, i % 10, task);
            }
            int tasks = task + 1;
            assertThat(buffer.stats().countPerTask().values()).as("after task %d", task)
                    .allSatisfy(c -> assertThat(c).isEqualTo(60 / tasks));
        }
    }

    @Test
    void shrinkingEvictsFromTheLargestGroup() {
        ClassBalancedBuffer buffer = new ClassBalancedBuffer(SampleFormat.float32(1), 30, 5L);
        for (int i = 0; i < 30; i++) {
            buffer.add(new float[] {i}, i < 25 ? 0 : 1, 0); // 25 of class 0, 5 of class 1
        }
        buffer.resize(12);
        assertThat(buffer.stats().countPerClass()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 7, 1, 5));
        buffer.resize(6);
        assertThat(buffer.stats().countPerClass()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 3, 1, 3));
        assertThat(buffer.countPerGroup()).isEqualTo(buffer.stats().countPerClass());
    }
}
