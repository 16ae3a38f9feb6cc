package dev.mnemo.replay.bench;

import dev.mnemo.replay.ClassBalancedBuffer;
import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReservoirBuffer;
import dev.mnemo.replay.TaskQuotaBuffer;
import dev.mnemo.replay.storage.SampleFormat;

import java.util.SplittableRandom;

/** MNIST-shaped inputs for the benchmarks: 784 features in [0, 1], 10 classes, 5 tasks. */
final class Fixtures {

    static final int DIMS = 784;
    static final int ROWS = 1024;

    private Fixtures() {
    }

    /** A pool of rows to offer, so the benchmark measures the buffer and not the data generation. */
    static float[][] rows(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[ROWS][DIMS];
        for (float[] row : rows) {
            for (int d = 0; d < DIMS; d++) {
                row[d] = random.nextInt(256) / 255f;
            }
        }
        return rows;
    }

    static CompactReplayBuffer buffer(String policy, SampleFormat format, int capacity, long seed) {
        return switch (policy) {
            case "reservoir" -> new ReservoirBuffer(format, capacity, seed);
            case "class-balanced" -> new ClassBalancedBuffer(format, capacity, seed);
            case "task-quota" -> new TaskQuotaBuffer(format, capacity, seed);
            default -> throw new IllegalArgumentException("policy must be reservoir, class-balanced or task-quota, got " + policy);
        };
    }

    /** A full buffer: offers {@code 2 * capacity} rows. */
    static CompactReplayBuffer filled(String policy, SampleFormat format, int capacity, long seed) {
        CompactReplayBuffer buffer = buffer(policy, format, capacity, seed);
        float[][] rows = rows(seed);
        for (int i = 0; i < 2 * capacity; i++) {
            buffer.add(rows[i % ROWS], i % 10, (i / 20_000) % 5);
        }
        return buffer;
    }
}
