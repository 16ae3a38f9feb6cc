package dev.mnemo.replay.bench;

import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReplayBatch;
import dev.mnemo.replay.storage.Encoding;
import dev.mnemo.replay.storage.SampleFormat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Add throughput into a full 100 000-slot buffer of 784 features, and the throughput of drawing a
 * replay batch of 128. See the module README for the command line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReplayBufferBenchmark {

    @Param({"reservoir", "class-balanced", "task-quota"})
    public String policy;

    @Param({"UINT8"})
    public Encoding encoding;

    @Param({"100000"})
    public int capacity;

    private CompactReplayBuffer buffer;
    private float[][] rows;
    private SplittableRandom rng;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        buffer = Fixtures.filled(policy, new SampleFormat(Fixtures.DIMS, encoding), capacity, 42L);
        rows = Fixtures.rows(7L);
        rng = new SplittableRandom(3L);
    }

    /** One offer to a full buffer: validation, the policy's draw and, when kept, the encoding. */
    @Benchmark
    public boolean add() {
        int i = next++;
        return buffer.add(rows[i & (Fixtures.ROWS - 1)], i % 10, (i >>> 14) % 5);
    }

    /** One replay batch of 128 rows, decoded to float. */
    @Benchmark
    public ReplayBatch sample128() {
        return buffer.sample(128, rng);
    }
}
