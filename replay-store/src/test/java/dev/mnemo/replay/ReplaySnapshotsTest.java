package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplaySnapshotsTest {

    @TempDir
    Path root;

    enum Policy {
        RESERVOIR(() -> new ReservoirBuffer(SampleFormat.uint8(6), 40, 17L)),
        CLASS_BALANCED(() -> new ClassBalancedBuffer(SampleFormat.float16(6), 40, 17L)),
        TASK_QUOTA(() -> new TaskQuotaBuffer(SampleFormat.float32(6), 40, 17L));

        final Supplier<CompactReplayBuffer> factory;

        Policy(Supplier<CompactReplayBuffer> factory) {
            this.factory = factory;
        }
    }

    private static void offer(CompactReplayBuffer buffer, int from, int to) {
        SplittableRandom values = new SplittableRandom(from);
        for (int i = from; i < to; i++) {
            float[] x = new float[6];
            for (int d = 0; d < x.length; d++) {
                x[d] = (float) values.nextDouble();
            }
            x[0] = i / 10_000f;
            buffer.add(x, (i * 7) % 5, i / 100);
        }
    }

    private static void assertSameContents(CompactReplayBuffer a, CompactReplayBuffer b) {
        assertThat(b.getClass()).isEqualTo(a.getClass());
        assertThat(b.format()).isEqualTo(a.format());
        // bytesUsed may differ: a restore sizes the policy's bookkeeping to fit, the original may have grown it
        assertThat(b.stats()).usingRecursiveComparison().ignoringFields("bytesUsed").isEqualTo(a.stats());
        assertThat(b.seen()).isEqualTo(a.seen());
        ReplayBatch x = a.contents();
        ReplayBatch y = b.contents();
        assertThat(y.features()).isDeepEqualTo(x.features());
        assertThat(y.labels()).containsExactly(x.labels());
        assertThat(y.tasks()).containsExactly(x.tasks());
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void restoreGivesTheSameBufferWhichContinuesIdentically(Policy policy) throws Exception {
        CompactReplayBuffer original = policy.factory.get();
        offer(original, 0, 777);
        Path snapshot = ReplaySnapshots.write(original, root);
        CompactReplayBuffer restored = ReplaySnapshots.read(snapshot);
        assertSameContents(original, restored);

        offer(original, 777, 2000);
        offer(restored, 777, 2000);
        original.resize(25);
        restored.resize(25);
        assertSameContents(original, restored);
        assertThat(restored.sample(10, new SplittableRandom(1)).features())
                .isDeepEqualTo(original.sample(10, new SplittableRandom(1)).features());
    }

    @Test
    void emptyBufferRoundTrips() throws Exception {
        CompactReplayBuffer empty = new ClassBalancedBuffer(SampleFormat.uint8(3), 5, 1L);
        assertSameContents(empty, ReplaySnapshots.read(ReplaySnapshots.write(empty, root)));
    }

    @Test
    void writesNumberedDirectoriesWithAManifestAndLeavesNoTemporaryFiles() throws Exception {
        CompactReplayBuffer buffer = Policy.RESERVOIR.factory.get();
        offer(buffer, 0, 50);
        Path first = ReplaySnapshots.write(buffer, root);
        Path second = ReplaySnapshots.write(buffer, root);
        assertThat(first.getFileName().toString()).isEqualTo("snapshot-0000000000000000001");
        assertThat(second.getFileName().toString()).isEqualTo("snapshot-0000000000000000002");
        try (Stream<Path> children = Files.list(root)) {
            assertThat(children.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "snapshot-0000000000000000001", "snapshot-0000000000000000002");
        }
        String manifest = Files.readString(second.resolve(ReplaySnapshots.MANIFEST_FILE));
        assertThat(manifest).contains("format.version=1\n", "policy=reservoir\n", "encoding=UINT8\n", "uint8.scale=255\n", "dims=6\n",
                "capacity=40\n", "size=40\n", "seen=50\n", "data.crc32c=", "manifest.crc32c=");
    }

    @Test
    void detectsATruncatedDataFile() throws Exception {
        Path snapshot = writeOne();
        Path data = snapshot.resolve(ReplaySnapshots.DATA_FILE);
        long length = Files.size(data);
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.setLength(length - 100);
        }
        assertThatThrownBy(() -> ReplaySnapshots.read(snapshot))
                .isInstanceOf(CorruptSnapshotException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("has " + (length - 100) + " bytes, the manifest says " + length);
    }

    @Test
    void detectsAFlippedBitInTheData() throws Exception {
        Path snapshot = writeOne();
        flipBit(snapshot.resolve(ReplaySnapshots.DATA_FILE), 300, 3);
        assertThatThrownBy(() -> ReplaySnapshots.read(snapshot))
                .isInstanceOf(CorruptSnapshotException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("data.bin")
                .satisfies(e -> assertThat(((CorruptSnapshotException) e).snapshot()).isEqualTo(snapshot));
    }

    @Test
    void detectsAnAlteredManifest() throws Exception {
        Path snapshot = writeOne();
        Path manifest = snapshot.resolve(ReplaySnapshots.MANIFEST_FILE);
        Files.writeString(manifest, Files.readString(manifest).replace("seen=500", "seen=501"));
        assertThatThrownBy(() -> ReplaySnapshots.read(snapshot))
                .isInstanceOf(CorruptSnapshotException.class).hasMessageContaining("checksum mismatch: manifest.properties");
    }

    @Test
    void detectsATruncatedOrMissingManifest() throws Exception {
        Path snapshot = writeOne();
        Path manifest = snapshot.resolve(ReplaySnapshots.MANIFEST_FILE);
        byte[] bytes = Files.readAllBytes(manifest);
        Files.write(manifest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ReplaySnapshots.read(snapshot))
                .isInstanceOf(CorruptSnapshotException.class).hasMessageContaining("no manifest.crc32c line");
        Files.delete(manifest);
        assertThatThrownBy(() -> ReplaySnapshots.read(snapshot))
                .isInstanceOf(CorruptSnapshotException.class).hasMessageContaining("missing");
    }

    @Test
    void rejectsAnUnknownFormatVersionByName() throws Exception {
        Path snapshot = writeOne();
        Path manifest = snapshot.resolve(ReplaySnapshots.MANIFEST_FILE);
        String text = Files.readString(manifest).replace("format.version=1", "format.version=9");
        String body = text.substring(0, text.indexOf("manifest.crc32c="));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(manifest, body + "manifest.crc32c=" + Long.toHexString(crc.getValue()) + "\n");
        assertThatThrownBy(() -> ReplaySnapshots.read(snapshot))
                .isInstanceOf(ReplayStoreException.class).hasMessageContaining("format version 9");
    }

    @Test
    void latestValidFallsBackToThePreviousSnapshotAndSaysWhy() throws Exception {
        CompactReplayBuffer buffer = Policy.CLASS_BALANCED.factory.get();
        offer(buffer, 0, 300);
        Path older = ReplaySnapshots.write(buffer, root);
        CompactReplayBuffer atOlder = ReplaySnapshots.read(older);
        offer(buffer, 300, 600);
        Path newer = ReplaySnapshots.write(buffer, root);
        Files.createDirectory(root.resolve(".tmp-snapshot-leftover"));
        flipBit(newer.resolve(ReplaySnapshots.DATA_FILE), 1000, 0);

        ReplaySnapshots.Recovery recovery = ReplaySnapshots.latestValid(root);
        assertThat(recovery.restored()).isPresent();
        assertThat(recovery.restored().get().snapshot()).isEqualTo(older);
        assertSameContents(atOlder, recovery.restored().get().buffer());
        assertThat(recovery.skipped()).singleElement().satisfies(s -> {
            assertThat(s.snapshot()).isEqualTo(newer);
            assertThat(s.reason()).contains("checksum mismatch");
        });

        flipBit(older.resolve(ReplaySnapshots.DATA_FILE), 20, 1);
        ReplaySnapshots.Recovery none = ReplaySnapshots.latestValid(root);
        assertThat(none.restored()).isEmpty();
        assertThat(none.skipped()).hasSize(2);
        assertThat(ReplaySnapshots.latestValid(root.resolve("absent")).restored()).isEmpty();
    }

    @Test
    void pruneKeepsTheNewest() throws Exception {
        CompactReplayBuffer buffer = Policy.RESERVOIR.factory.get();
        for (int i = 0; i < 4; i++) {
            ReplaySnapshots.write(buffer, root);
        }
        Files.createDirectory(root.resolve(".tmp-snapshot-leftover"));
        assertThat(ReplaySnapshots.prune(root, 2)).extracting(p -> p.getFileName().toString())
                .containsExactly("snapshot-0000000000000000002", "snapshot-0000000000000000001");
        try (Stream<Path> children = Files.list(root)) {
            assertThat(children.count()).isEqualTo(2);
        }
        assertThat(ReplaySnapshots.write(buffer, root).getFileName().toString()).isEqualTo("snapshot-0000000000000000005");
    }

    private Path writeOne() throws ReplayStoreException {
        CompactReplayBuffer buffer = Policy.TASK_QUOTA.factory.get();
        offer(buffer, 0, 500);
        return ReplaySnapshots.write(buffer, root);
    }

    private static void flipBit(Path file, long offset, int bit) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ (1 << bit));
        }
    }
}
