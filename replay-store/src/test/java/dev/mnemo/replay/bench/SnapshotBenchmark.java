package dev.mnemo.replay.bench;

import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReplaySnapshots;
import dev.mnemo.replay.ReplayStoreException;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Time to snapshot (write, fsync, rename) and to restore (verify the checksum, decode) a full
 * 100 000 x 784 UINT8 buffer, about 79 MB of data. Snapshots go under java.io.tmpdir.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class SnapshotBenchmark {

    @Param({"reservoir"})
    public String policy;

    @Param({"100000"})
    public int capacity;

    private CompactReplayBuffer buffer;
    private Path root;
    private Path saved;

    @Setup(Level.Trial)
    public void fill() throws IOException, ReplayStoreException {
        buffer = Fixtures.filled(policy, SampleFormat.uint8(Fixtures.DIMS), capacity, 42L);
        root = Files.createTempDirectory("replay-snapshot-bench");
        saved = ReplaySnapshots.write(buffer, root.resolve("restore"));
    }

    @TearDown(Level.Iteration)
    public void prune() throws ReplayStoreException {
        ReplaySnapshots.prune(root.resolve("write"), 1);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public Path snapshot() throws ReplayStoreException {
        return ReplaySnapshots.write(buffer, root.resolve("write"));
    }

    @Benchmark
    public CompactReplayBuffer restore() throws ReplayStoreException {
        return ReplaySnapshots.read(saved);
    }
}
