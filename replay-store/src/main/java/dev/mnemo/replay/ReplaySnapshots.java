package dev.mnemo.replay;

import dev.mnemo.replay.storage.Encoding;
import dev.mnemo.replay.storage.SampleFormat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Atomic, checksummed snapshots of a {@link CompactReplayBuffer} as plain files, and their restore.
 *
 * <p>A snapshot is a directory {@code snapshot-<19-digit sequence>} under the snapshot root, holding:
 * <ul>
 *   <li>{@code data.bin}: a header (magic {@code MNRB}, format version, policy, encoding, dims,
 *       capacity), the buffer state (size, seen counter, generator state), every slot's label and task,
 *       the raw encoded feature bytes, and the policy's own state (per-group seen counts and slot lists);
 *       big-endian except the feature bytes, which are copied as stored (little-endian);
 *   <li>{@code manifest.properties}: {@code key=value} lines (format version, policy, encoding and,
 *       for UINT8, its scale {@code uint8.scale=255}, dims,
 *       capacity, size, seen, data length and CRC-32C), closed by {@code manifest.crc32c}, the
 *       CRC-32C of all the lines before it.
 * </ul>
 *
 * <p>{@link #write} writes both files in a fresh temporary directory, forces them to disk, renames the
 * directory into place atomically and forces the root directory, so a crash leaves either the whole
 * new snapshot or none (a leftover {@code .tmp-*} directory is ignored). {@link #read} checks the
 * manifest checksum, the data length and the data checksum before it decodes anything, and reports any
 * mismatch as a {@link CorruptSnapshotException} that says what was wrong. {@link #latestValid} walks
 * the snapshots from newest to oldest and returns the first that reads, with the reasons it skipped the
 * others. A restored buffer holds the same slots, counters and generator state, so it continues exactly
 * as the original would have.
 *
 * <p>One writer per root directory at a time.
 *
 * <p>Example:
 * <pre>{@code
 * Path snap = ReplaySnapshots.write(buffer, root);       // root/snapshot-0000000000000000001
 * CompactReplayBuffer same = ReplaySnapshots.read(snap);
 * ReplaySnapshots.Recovery r = ReplaySnapshots.latestValid(root);
 * r.skipped().forEach(s -> log.warn(s.reason()));
 * r.restored().ifPresent(x -> use(x.buffer()));
 * }</pre>
 */
public final class ReplaySnapshots {

    /** The snapshot format this version writes and reads. */
    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST_FILE = "manifest.properties";
    public static final String DATA_FILE = "data.bin";

    private static final String UINT8_SCALE = Integer.toString((int) Encoding.UINT8_SCALE);
    private static final int MAGIC = 0x4D4E_5242; // "MNRB"
    private static final String PREFIX = "snapshot-";
    private static final Pattern NAME = Pattern.compile("snapshot-\\d{19}");
    private static final int IO_BUFFER = 1 << 20;

    private ReplaySnapshots() {
    }

    /** A snapshot that {@link #latestValid} restored. */
    public record Restored(Path snapshot, CompactReplayBuffer buffer) {
    }

    /** A snapshot that {@link #latestValid} passed over, and why. */
    public record Skipped(Path snapshot, String reason) {
    }

    /**
     * What {@link #latestValid} found: the newest snapshot that reads, if any, and every newer one it
     * skipped, newest first.
     */
    public record Recovery(Optional<Restored> restored, List<Skipped> skipped) {
        public Recovery {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Writes a snapshot of {@code buffer} under {@code root} (created if needed) with the next sequence
     * number, atomically.
     *
     * @return the new snapshot directory
     * @throws ReplayStoreException when the files cannot be written; no partial snapshot is left under
     *                              a snapshot name
     */
    public static Path write(CompactReplayBuffer buffer, Path root) throws ReplayStoreException {
        Path tmp = null;
        try {
            Files.createDirectories(root);
            long sequence = snapshots(root).stream().mapToLong(ReplaySnapshots::sequenceOf).max().orElse(0) + 1;
            Path target = root.resolve(String.format("%s%019d", PREFIX, sequence));
            tmp = Files.createTempDirectory(root, ".tmp-" + PREFIX);

            CRC32C crc = new CRC32C();
            long length;
            try (FileChannel channel = FileChannel.open(tmp.resolve(DATA_FILE),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                CountingOutputStream counter = new CountingOutputStream(
                        new CheckedOutputStream(Channels.newOutputStream(channel), crc));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(counter, IO_BUFFER));
                out.writeInt(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeUTF(buffer.policyName());
                out.writeUTF(buffer.format().encoding().name());
                out.writeInt(buffer.format().dims());
                out.writeInt(buffer.capacity());
                buffer.writeState(out);
                out.flush();
                length = counter.count;
                channel.force(true);
            }

            Map<String, String> manifest = new LinkedHashMap<>();
            manifest.put("format.version", Integer.toString(FORMAT_VERSION));
            manifest.put("policy", buffer.policyName());
            manifest.put("encoding", buffer.format().encoding().name());
            if (buffer.format().encoding() == Encoding.UINT8) {
                manifest.put("uint8.scale", UINT8_SCALE);
            }
            manifest.put("dims", Integer.toString(buffer.format().dims()));
            manifest.put("capacity", Integer.toString(buffer.capacity()));
            manifest.put("size", Integer.toString(buffer.size()));
            manifest.put("seen", Long.toString(buffer.seen()));
            manifest.put("data.file", DATA_FILE);
            manifest.put("data.bytes", Long.toString(length));
            manifest.put("data.crc32c", Long.toHexString(crc.getValue()));
            StringBuilder text = new StringBuilder("# Mnemo replay buffer snapshot\n");
            manifest.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            long manifestCrc = crc32c(text.toString());
            text.append("manifest.crc32c=").append(Long.toHexString(manifestCrc)).append('\n');
            try (FileChannel channel = FileChannel.open(tmp.resolve(MANIFEST_FILE),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                channel.force(true);
            }
            forceDirectory(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ReplayStoreException("the file system of " + root
                        + " cannot rename atomically, so snapshots there would not be crash-safe", e);
            }
            tmp = null;
            forceDirectory(root);
            return target;
        } catch (IOException e) {
            throw new ReplayStoreException("cannot write a replay snapshot under " + root + ": " + e, e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * A deep copy of {@code buffer} (samples, policy state and random state), through the snapshot
     * encoding in memory: a checkpoint taken on the training thread and written on another one.
     *
     * @throws ReplayStoreException when the state cannot be encoded (it always can in memory)
     */
    public static CompactReplayBuffer copy(CompactReplayBuffer buffer) throws ReplayStoreException {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(
                    (int) Math.min(Integer.MAX_VALUE - 8, buffer.capacity() * (long) buffer.format().bytesPerSample() + 1024));
            DataOutputStream out = new DataOutputStream(bytes);
            buffer.writeState(out);
            out.flush();
            CompactReplayBuffer copy = create(Path.of("memory"), buffer.policyName(), buffer.format().encoding().name(),
                    buffer.format().dims(), buffer.capacity());
            copy.readState(new DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            return copy;
        } catch (IOException e) {
            throw new ReplayStoreException("cannot copy the replay buffer: " + e, e);
        }
    }

    /**
     * Restores the buffer saved in {@code snapshot} (a directory that {@link #write} returned).
     *
     * @throws CorruptSnapshotException when the snapshot is incomplete, truncated or altered; the
     *                                  message says which check failed
     * @throws ReplayStoreException     when it is of an unsupported format version or cannot be read
     */
    public static CompactReplayBuffer read(Path snapshot) throws ReplayStoreException {
        Map<String, String> manifest = readManifest(snapshot);
        String version = require(snapshot, manifest, "format.version");
        if (!version.equals(Integer.toString(FORMAT_VERSION))) {
            throw new ReplayStoreException("replay snapshot " + snapshot + " has format version " + version
                    + ", this reader supports " + FORMAT_VERSION);
        }
        Path data = snapshot.resolve(require(snapshot, manifest, "data.file"));
        long expectedBytes = parseLong(snapshot, manifest, "data.bytes");
        long actualBytes;
        try {
            actualBytes = Files.size(data);
        } catch (NoSuchFileException e) {
            throw new CorruptSnapshotException(snapshot, "data file " + data.getFileName() + " is missing", e);
        } catch (IOException e) {
            throw new ReplayStoreException("cannot read replay snapshot " + snapshot + ": " + e, e);
        }
        if (actualBytes != expectedBytes) {
            throw new CorruptSnapshotException(snapshot, (actualBytes < expectedBytes ? "truncated" : "too long")
                    + ": " + data.getFileName() + " has " + actualBytes + " bytes, the manifest says " + expectedBytes);
        }
        long expectedCrc = parseHex(snapshot, manifest, "data.crc32c");
        long actualCrc = crc32c(snapshot, data);
        if (actualCrc != expectedCrc) {
            throw new CorruptSnapshotException(snapshot, "checksum mismatch: " + data.getFileName() + " has CRC-32C "
                    + Long.toHexString(actualCrc) + ", the manifest says " + Long.toHexString(expectedCrc));
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(data), IO_BUFFER))) {
            if (in.readInt() != MAGIC) {
                throw new CorruptSnapshotException(snapshot, "data file does not start with MNRB");
            }
            int dataVersion = in.readInt();
            String policy = in.readUTF();
            String encoding = in.readUTF();
            int dims = in.readInt();
            int capacity = in.readInt();
            checkSame(snapshot, manifest, "format.version", Integer.toString(dataVersion));
            checkSame(snapshot, manifest, "policy", policy);
            checkSame(snapshot, manifest, "encoding", encoding);
            checkSame(snapshot, manifest, "dims", Integer.toString(dims));
            checkSame(snapshot, manifest, "capacity", Integer.toString(capacity));
            if (encoding.equals(Encoding.UINT8.name()) && !UINT8_SCALE.equals(manifest.get("uint8.scale"))) {
                throw new ReplayStoreException("replay snapshot " + snapshot + " has uint8.scale="
                        + manifest.get("uint8.scale") + ", this reader supports " + UINT8_SCALE);
            }
            CompactReplayBuffer buffer = create(snapshot, policy, encoding, dims, capacity);
            buffer.readState(in);
            if (in.read() != -1) {
                throw new CorruptSnapshotException(snapshot, "data file has bytes after the buffer state");
            }
            checkSame(snapshot, manifest, "size", Integer.toString(buffer.size()));
            checkSame(snapshot, manifest, "seen", Long.toString(buffer.seen()));
            return buffer;
        } catch (EOFException e) {
            throw new CorruptSnapshotException(snapshot, "data file ends inside the buffer state", e);
        } catch (IOException e) {
            throw new CorruptSnapshotException(snapshot, "unreadable buffer state: " + e.getMessage(), e);
        }
    }

    /**
     * Restores the newest snapshot under {@code root} that reads, skipping (and reporting) newer ones
     * that are corrupt or unreadable. A root that does not exist, or holds no snapshot, gives an empty
     * recovery.
     */
    public static Recovery latestValid(Path root) {
        List<Skipped> skipped = new ArrayList<>();
        List<Path> candidates;
        try {
            candidates = Files.isDirectory(root) ? snapshots(root) : new ArrayList<>();
        } catch (IOException e) {
            skipped.add(new Skipped(root, "cannot list the snapshot directory: " + e));
            return new Recovery(Optional.empty(), skipped);
        }
        candidates.sort(Comparator.comparingLong(ReplaySnapshots::sequenceOf).reversed());
        for (Path snapshot : candidates) {
            try {
                return new Recovery(Optional.of(new Restored(snapshot, read(snapshot))), skipped);
            } catch (ReplayStoreException e) {
                skipped.add(new Skipped(snapshot, e.getMessage()));
            }
        }
        return new Recovery(Optional.empty(), skipped);
    }

    /**
     * Deletes all but the newest {@code keep} snapshots under {@code root}, and leftover temporary
     * directories.
     *
     * @param keep at least 1
     * @return the snapshots deleted; none when {@code root} does not exist
     */
    public static List<Path> prune(Path root, int keep) throws ReplayStoreException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try {
            List<Path> all = snapshots(root);
            all.sort(Comparator.comparingLong(ReplaySnapshots::sequenceOf).reversed());
            List<Path> deleted = new ArrayList<>();
            for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
                deleteTree(old);
                deleted.add(old);
            }
            try (DirectoryStream<Path> tmp = Files.newDirectoryStream(root, ".tmp-" + PREFIX + "*")) {
                for (Path p : tmp) {
                    deleteTree(p);
                }
            }
            return deleted;
        } catch (IOException e) {
            throw new ReplayStoreException("cannot prune replay snapshots under " + root + ": " + e, e);
        }
    }

    private static CompactReplayBuffer create(Path snapshot, String policy, String encoding, int dims, int capacity)
            throws CorruptSnapshotException {
        SampleFormat format;
        try {
            format = new SampleFormat(dims, Encoding.valueOf(encoding));
        } catch (IllegalArgumentException e) {
            throw new CorruptSnapshotException(snapshot, "bad format: " + e.getMessage(), e);
        }
        try {
            return switch (policy) {
                case ReservoirBuffer.POLICY -> new ReservoirBuffer(format, capacity, 0L);
                case ClassBalancedBuffer.POLICY -> new ClassBalancedBuffer(format, capacity, 0L);
                case TaskQuotaBuffer.POLICY -> new TaskQuotaBuffer(format, capacity, 0L);
                default -> throw new CorruptSnapshotException(snapshot, "unknown policy '" + policy + "', expected one of "
                        + List.of(ReservoirBuffer.POLICY, ClassBalancedBuffer.POLICY, TaskQuotaBuffer.POLICY));
            };
        } catch (IllegalArgumentException e) {
            throw new CorruptSnapshotException(snapshot, "bad capacity: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> readManifest(Path snapshot) throws ReplayStoreException {
        String text;
        try {
            text = Files.readString(snapshot.resolve(MANIFEST_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CorruptSnapshotException(snapshot, MANIFEST_FILE + " is missing: the snapshot is incomplete", e);
        } catch (IOException e) {
            throw new CorruptSnapshotException(snapshot, MANIFEST_FILE + " is unreadable: " + e, e);
        }
        String marker = "manifest.crc32c=";
        int at = text.lastIndexOf(marker);
        if (at < 0 || (at > 0 && text.charAt(at - 1) != '\n')) {
            throw new CorruptSnapshotException(snapshot, MANIFEST_FILE + " has no manifest.crc32c line: truncated");
        }
        String stated = text.substring(at + marker.length()).strip();
        long actual = crc32c(text.substring(0, at));
        if (!stated.equals(Long.toHexString(actual))) {
            throw new CorruptSnapshotException(snapshot, "checksum mismatch: " + MANIFEST_FILE + " has CRC-32C "
                    + Long.toHexString(actual) + ", its last line says " + stated);
        }
        Map<String, String> manifest = new LinkedHashMap<>();
        for (String line : text.substring(0, at).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new CorruptSnapshotException(snapshot, "bad manifest line '" + line + "'");
            }
            manifest.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return manifest;
    }

    private static String require(Path snapshot, Map<String, String> manifest, String key)
            throws CorruptSnapshotException {
        String value = manifest.get(key);
        if (value == null) {
            throw new CorruptSnapshotException(snapshot, "manifest has no '" + key + "'");
        }
        return value;
    }

    private static long parseLong(Path snapshot, Map<String, String> manifest, String key)
            throws CorruptSnapshotException {
        try {
            return Long.parseLong(require(snapshot, manifest, key));
        } catch (NumberFormatException e) {
            throw new CorruptSnapshotException(snapshot, "manifest '" + key + "' is not a number", e);
        }
    }

    private static long parseHex(Path snapshot, Map<String, String> manifest, String key)
            throws CorruptSnapshotException {
        try {
            return Long.parseLong(require(snapshot, manifest, key), 16);
        } catch (NumberFormatException e) {
            throw new CorruptSnapshotException(snapshot, "manifest '" + key + "' is not hexadecimal", e);
        }
    }

    private static void checkSame(Path snapshot, Map<String, String> manifest, String key, String inData)
            throws CorruptSnapshotException {
        String inManifest = require(snapshot, manifest, key);
        if (!inManifest.equals(inData)) {
            throw new CorruptSnapshotException(snapshot, "manifest says " + key + "=" + inManifest
                    + ", the data file says " + inData);
        }
    }

    private static long crc32c(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static long crc32c(Path snapshot, Path file) throws ReplayStoreException {
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[IO_BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                crc.update(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new ReplayStoreException("cannot read replay snapshot " + snapshot + ": " + e, e);
        }
        return crc.getValue();
    }

    private static List<Path> snapshots(Path root) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            return new ArrayList<>(children
                    .filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .toList());
        }
    }

    private static long sequenceOf(Path snapshot) {
        return Long.parseLong(snapshot.getFileName().toString().substring(PREFIX.length()));
    }

    private static void forceDirectory(Path dir) {
        // Persists the directory entries (the rename). Linux allows it; where opening a directory
        // fails, as on Windows, the rename is left to the file system.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // see above
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // a leftover .tmp-* directory is ignored by readers and removed by prune
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
