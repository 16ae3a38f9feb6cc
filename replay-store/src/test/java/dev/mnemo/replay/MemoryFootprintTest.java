package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Target: a 784-feature UINT8 sample costs at most 1.05 x 784 bytes, labels and bookkeeping included. */
class MemoryFootprintTest {

    private static final int DIMS = 784;
    private static final double BUDGET = 1.05 * DIMS;

    @ParameterizedTest
    @ValueSource(strings = {"reservoir", "class-balanced", "task-quota"})
    void fullUint8BufferStaysWithinFivePercentOfTheRawBytes(String policy) {
        int capacity = 10_000;
        CompactReplayBuffer buffer = switch (policy) {
            case "reservoir" -> new ReservoirBuffer(SampleFormat.uint8(DIMS), capacity, 1L);
            case "class-balanced" -> new ClassBalancedBuffer(SampleFormat.uint8(DIMS), capacity, 1L);
            default -> new TaskQuotaBuffer(SampleFormat.uint8(DIMS), capacity, 1L);
        };
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[DIMS];
        for (int i = 0; i < 2 * capacity; i++) {
            x[i % DIMS] = (float) random.nextDouble();
            buffer.add(x, random.nextInt(10), random.nextInt(5));
        }
        ReplayStats stats = buffer.stats();
        assertThat(stats.size()).isEqualTo(capacity);
        double perSample = (double) stats.bytesUsed() / stats.size();
        assertThat(perSample).as("bytes per sample").isLessThanOrEqualTo(BUDGET);
    }
}
