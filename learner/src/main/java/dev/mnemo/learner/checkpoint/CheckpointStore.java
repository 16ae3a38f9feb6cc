package dev.mnemo.learner.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.StrategyState;
import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReplaySnapshots;
import dev.mnemo.replay.ReplayStoreException;

/**
 * Crash-safe checkpoints of the learner: one directory per checkpoint, written atomically, verified
 * on read, the newest {@code keep} kept besides those an operator pinned.
 *
 * <h2>Layout (format 2)</h2>
 * <pre>
 * root/ckpt-0000000000000000042/
 *   model.zip            the model with its Adam state and version ({@link Classifier#save})
 *   strategy/&lt;id&gt;/&lt;name&gt;.zip                  a strategy's network (the LwF teacher), {@link Classifier#save}
 *   strategy/&lt;id&gt;/&lt;name&gt;/snapshot-.../{data.bin,manifest.properties}   a strategy's replay buffer ({@link ReplaySnapshots})
 *   state.properties     trainer and loop state: task boundaries passed, task index, drift watch, and
 *                        each strategy's state version and properties (strategy.&lt;id&gt;.version,
 *                        strategy.&lt;id&gt;.property.&lt;key&gt;), the ids in order under strategies
 *   offsets.properties   topic/partition = next offset, for every input partition
 *   manifest.properties  written last: format version, sequence, time, model versions, where each
 *                        strategy part lies (strategy.&lt;id&gt;.network.&lt;name&gt;, strategy.&lt;id&gt;.buffer.&lt;name&gt;),
 *                        and the length and CRC-32C of every file above; closed by manifest.crc32c over
 *                        the lines before it
 * </pre>
 * Every part comes from a {@link StrategyState}, by kind, so the store never knows which strategy
 * wrote it. Format 1 (written before strategies owned their state: {@code teacher.zip},
 * {@code replay/}, {@code lwf.*} in the state, {@code replay.snapshot} in the manifest) is still read:
 * its teacher and {@code lwf.*} properties become the state of the strategy {@code lwf} (version 1,
 * network {@code teacher}), its replay snapshot that of {@code replay} (buffer {@code buffer}).
 *
 * <h2>Atomicity</h2>
 * Everything is written into a fresh {@code .tmp-ckpt-*} directory; each file is forced to disk, the
 * manifest is written last and forced, the directory is forced, renamed to {@code ckpt-<sequence>}
 * atomically, and the root is forced. A crash leaves the whole checkpoint or none under a checkpoint
 * name; leftovers of an interrupted write are deleted by the next write. A checkpoint whose files were
 * truncated or altered afterwards fails verification (length, then CRC-32C, then loading) and
 * {@link #latestValid()} falls back to the previous one, reporting why.
 *
 * <h2>Pinned versions</h2>
 * {@link #pin(long)} marks the newest kept checkpoint of a model version with a {@value #PINNED} file
 * in its directory (outside the manifest, so pinning does not alter the checkpoint): pruning passes
 * it over, so a rollback can still reach it however many checkpoints follow. The marker is the
 * record, so a pin survives restarts. {@link #unpin(long)} removes it; the checkpoint then follows
 * {@code keep} again from the next write. {@code keep} counts the unpinned checkpoints only.
 *
 * <p>One writer per root at a time; not thread-safe, except that {@link #pin}, {@link #unpin} and
 * the pruning at the end of {@link #write} are serialised on this instance, so an operator may pin
 * from another thread than the writer's (through the same instance).
 *
 * <pre>{@code
 * CheckpointStore store = new CheckpointStore(Path.of("state/checkpoints"), 3, Clock.systemUTC());
 * store.write(CheckpointContent.capture(trainer, taskIndex, offsets));
 * CheckpointStore.Recovery r = store.latestValid();
 * r.skipped().forEach(s -> log.warn(s.reason()));
 * r.checkpoint().ifPresent(c -> c.restoreInto(trainer));
 * }</pre>
 */
public final class CheckpointStore {

    /** The format this version writes; it reads {@value #LEGACY_FORMAT_VERSION} too. */
    public static final int FORMAT_VERSION = 2;
    /** The format before strategies owned their state. */
    public static final int LEGACY_FORMAT_VERSION = 1;
    public static final String MANIFEST = "manifest.properties";
    public static final String MODEL = "model.zip";
    /** The directory of the strategies' networks and buffers, one sub-directory per strategy id. */
    public static final String STRATEGIES = "strategy";
    public static final String STATE = "state.properties";
    /** Prefix of the drift watch's properties in {@value #STATE}. */
    static final String WATCH_PREFIX = "watch.";
    public static final String OFFSETS = "offsets.properties";
    /** The marker of a pinned checkpoint, in its directory. */
    public static final String PINNED = "pinned";
    /** The strategy ids, in the trainer's order, in {@value #STATE}. */
    private static final String STRATEGY_IDS = "strategies";
    /** Prefix of a strategy's keys in {@value #STATE} and {@value #MANIFEST}: {@code strategy.<id>.}. */
    private static final String STRATEGY_PREFIX = "strategy.";
    private static final String PROPERTY_INFIX = ".property.";
    /** Format 1's LwF keys and teacher file. */
    private static final String LEGACY_LWF_PREFIX = "lwf.";
    private static final String LEGACY_TEACHER = "teacher.zip";

    private static final String PREFIX = "ckpt-";
    private static final String TMP_PREFIX = ".tmp-" + PREFIX;
    private static final Pattern NAME = Pattern.compile("ckpt-\\d{19}");

    private final Path root;
    private final int keep;
    private final Clock clock;

    /** A checkpoint {@link #latestValid()} passed over, and why. */
    public record Skipped(Path directory, String reason) {
    }

    /** The newest checkpoint that verified and loaded, if any, and the newer ones skipped, newest first. */
    public record Recovery(Optional<Checkpoint> checkpoint, List<Skipped> skipped) {
        public Recovery {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * @param root  the directory holding the checkpoints (created on the first write)
     * @param keep  how many unpinned checkpoints to keep, at least 1
     * @param clock the time stamped on checkpoints
     * @throws IllegalArgumentException if {@code root} or {@code clock} is null or {@code keep < 1}
     */
    public CheckpointStore(Path root, int keep, Clock clock) {
        if (root == null || clock == null) {
            throw new IllegalArgumentException("root and clock must be non-null");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        }
        this.root = root.toAbsolutePath();
        this.keep = keep;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    /**
     * Writes a checkpoint with the next sequence number, atomically, then deletes all unpinned ones but the newest
     * {@code keep} checkpoints.
     *
     * @return what was written
     * @throws CheckpointException when a part cannot be written; no checkpoint is left under a
     *                             checkpoint name then
     */
    public CheckpointInfo write(CheckpointContent content) throws CheckpointException {
        return write(content, Long.MIN_VALUE);
    }

    /**
     * As {@link #write(CheckpointContent)}, recording {@code parentVersion} as the version the model
     * came from (for example the version a rollback went back to) instead of the model version of
     * the newest checkpoint; -1 for none.
     */
    public CheckpointInfo write(CheckpointContent content, long parentVersion) throws CheckpointException {
        Objects.requireNonNull(content, "content");
        if (parentVersion < -1 && parentVersion != Long.MIN_VALUE) {
            throw new IllegalArgumentException("parentVersion must be >= -1, got " + parentVersion);
        }
        Path tmp = null;
        try {
            Files.createDirectories(root);
            List<Path> existing = checkpoints();
            long sequence = existing.isEmpty() ? 1 : sequenceOf(existing.get(0)) + 1;
            long parent = parentVersion != Long.MIN_VALUE ? parentVersion
                    : existing.isEmpty() ? -1 : parentOf(existing.get(0));
            Path target = root.resolve(String.format("%s%019d", PREFIX, sequence));
            tmp = Files.createTempDirectory(root, TMP_PREFIX);
            Instant now = clock.instant();

            content.model().save(tmp.resolve(MODEL));
            Map<String, String> parts = new LinkedHashMap<>();
            for (Map.Entry<String, StrategyState> e : content.strategies().entrySet()) {
                Path dir = tmp.resolve(STRATEGIES).resolve(e.getKey());
                for (Map.Entry<String, Classifier> network : e.getValue().networks().entrySet()) {
                    Files.createDirectories(dir);
                    Path file = dir.resolve(network.getKey() + ".zip");
                    network.getValue().save(file);
                    parts.put(STRATEGY_PREFIX + e.getKey() + ".network." + network.getKey(), relative(tmp, file));
                }
                for (Map.Entry<String, CompactReplayBuffer> buffer : e.getValue().buffers().entrySet()) {
                    Path snap = ReplaySnapshots.write(buffer.getValue(), dir.resolve(buffer.getKey()));
                    parts.put(STRATEGY_PREFIX + e.getKey() + ".buffer." + buffer.getKey(), relative(tmp, snap));
                }
            }
            writeDurably(tmp.resolve(STATE), stateText(content.state(), content.strategies()));
            writeDurably(tmp.resolve(OFFSETS), offsetsText(content.offsets()));

            Map<String, String> manifest = new LinkedHashMap<>();
            manifest.put("format.version", Integer.toString(FORMAT_VERSION));
            manifest.put("sequence", Long.toString(sequence));
            manifest.put("created.at", now.toString());
            manifest.put("model.version", Long.toString(content.model().version()));
            manifest.put("parent.version", Long.toString(parent));
            manifest.putAll(parts);
            for (Path file : files(tmp)) {
                String name = relative(tmp, file);
                manifest.put("file." + name + ".bytes", Long.toString(Files.size(file)));
                manifest.put("file." + name + ".crc32c", Long.toHexString(crc32c(file)));
            }
            StringBuilder text = new StringBuilder("# Mnemo learner checkpoint\n");
            manifest.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            long manifestCrc = crc32c(text.toString());
            text.append("manifest.crc32c=").append(Long.toHexString(manifestCrc)).append('\n');
            writeDurably(tmp.resolve(MANIFEST), text.toString());
            forceDirectory(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new CheckpointException("the file system of " + root
                        + " cannot rename atomically, so checkpoints there would not be crash-safe", e);
            }
            tmp = null;
            forceDirectory(root);
            prune();
            return new CheckpointInfo(sequence, now, content.model().version(), parent, target);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | ReplayStoreException | RuntimeException e) {
            throw new CheckpointException("cannot write a checkpoint under " + root + ": " + e, e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Verifies and loads the checkpoint in {@code directory}.
     *
     * @throws CheckpointException naming the failed check: manifest missing or altered, a file
     *                             missing, truncated or with another checksum, or a part that does
     *                             not load
     */
    public Checkpoint read(Path directory) throws CheckpointException {
        Map<String, String> manifest = verify(directory);
        CheckpointInfo info = info(directory, manifest);
        try {
            Classifier model = Classifier.load(directory.resolve(MODEL));
            if (model.version() != info.modelVersion()) {
                throw new CheckpointException(directory + ": model.zip holds version " + model.version()
                        + ", the manifest says " + info.modelVersion());
            }
            Properties stateFile = new Properties();
            stateFile.load(new StringReader(Files.readString(directory.resolve(STATE))));
            LearnerState state = parseState(directory, stateFile);
            Map<String, StrategyState> strategies =
                    Integer.toString(LEGACY_FORMAT_VERSION).equals(manifest.get("format.version"))
                            ? legacyStrategies(directory, manifest, stateFile)
                            : parseStrategies(directory, manifest, stateFile);
            List<ConsumedOffset> offsets = parseOffsets(directory, Files.readString(directory.resolve(OFFSETS)));
            return new Checkpoint(info, new CheckpointContent(model, strategies, state, offsets));
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | ReplayStoreException | RuntimeException e) {
            throw new CheckpointException(directory + ": a part does not load: " + e.getMessage(), e);
        }
    }

    /**
     * The newest checkpoint that verifies and loads, and every newer one skipped with its reason. An
     * absent or empty root gives an empty recovery.
     */
    public Recovery latestValid() {
        List<Skipped> skipped = new ArrayList<>();
        List<Path> all;
        try {
            all = checkpoints();
        } catch (IOException e) {
            return new Recovery(Optional.empty(), List.of(new Skipped(root, "cannot list checkpoints: " + e)));
        }
        for (Path dir : all) {
            try {
                return new Recovery(Optional.of(read(dir)), skipped);
            } catch (CheckpointException e) {
                skipped.add(new Skipped(dir, e.getMessage()));
            }
        }
        return new Recovery(Optional.empty(), skipped);
    }

    /** The checkpoints whose manifest verifies, newest first (their files are not checked). */
    public List<CheckpointInfo> list() {
        List<CheckpointInfo> out = new ArrayList<>();
        try {
            for (Path dir : checkpoints()) {
                try {
                    out.add(info(dir, readManifest(dir)));
                } catch (CheckpointException e) {
                    // listed by latestValid() with its reason
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Pins the newest kept checkpoint of {@code version}: it survives pruning until
     * {@link #unpin(long)}. Pinning a version already pinned changes nothing.
     *
     * @return the pinned checkpoint
     * @throws java.util.NoSuchElementException if no kept checkpoint holds the version
     * @throws CheckpointException              if the marker cannot be written
     */
    public synchronized CheckpointInfo pin(long version) throws CheckpointException {
        List<CheckpointInfo> holding = holding(version);
        for (CheckpointInfo info : holding) {
            if (isPinned(info)) {
                return info;
            }
        }
        CheckpointInfo newest = holding.get(0);
        Path marker = newest.directory().resolve(PINNED);
        try {
            writeDurably(marker, "model.version=" + version + "\npinned.at=" + clock.instant() + "\n");
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return newest;
        } catch (IOException e) {
            throw new CheckpointException("cannot pin " + newest.directory() + ": " + e, e);
        }
        forceDirectory(newest.directory());
        return newest;
    }

    /**
     * Unpins every kept checkpoint of {@code version}; they follow {@code keep} again from the next
     * write.
     *
     * @return whether one was pinned
     * @throws java.util.NoSuchElementException if no kept checkpoint holds the version
     * @throws CheckpointException              if a marker cannot be deleted
     */
    public synchronized boolean unpin(long version) throws CheckpointException {
        boolean was = false;
        for (CheckpointInfo info : holding(version)) {
            try {
                was |= Files.deleteIfExists(info.directory().resolve(PINNED));
            } catch (IOException e) {
                throw new CheckpointException("cannot unpin " + info.directory() + ": " + e, e);
            }
            forceDirectory(info.directory());
        }
        return was;
    }

    /** Whether the checkpoint is pinned. */
    public boolean isPinned(CheckpointInfo checkpoint) {
        return Files.exists(checkpoint.directory().resolve(PINNED));
    }

    /** The pinned checkpoints whose manifest verifies, newest first. */
    public List<CheckpointInfo> pinned() {
        return list().stream().filter(this::isPinned).toList();
    }

    /** The kept checkpoints of a model version, newest first; never empty. */
    private List<CheckpointInfo> holding(long version) {
        List<CheckpointInfo> all = list();
        List<CheckpointInfo> out = all.stream().filter(i -> i.modelVersion() == version).toList();
        if (out.isEmpty()) {
            throw new java.util.NoSuchElementException("no kept checkpoint holds model version " + version + "; kept: "
                    + all.stream().map(CheckpointInfo::modelVersion).toList());
        }
        return out;
    }

    /** Checkpoint directories, newest first. */
    private List<Path> checkpoints() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path p : dirs) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparingLong(CheckpointStore::sequenceOf).reversed());
        return out;
    }

    private synchronized void prune() throws IOException {
        int unpinned = 0;
        for (Path dir : checkpoints()) {
            if (Files.exists(dir.resolve(PINNED))) {
                continue;
            }
            if (++unpinned > keep) {
                deleteTree(dir);
            }
        }
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(root, TMP_PREFIX + "*")) {
            for (Path p : tmp) {
                deleteTree(p);
            }
        }
    }

    private static long parentOf(Path newest) {
        try {
            return Long.parseLong(readManifest(newest).get("model.version"));
        } catch (CheckpointException | RuntimeException e) {
            return -1;
        }
    }

    private static Map<String, String> verify(Path dir) throws CheckpointException {
        Map<String, String> manifest = readManifest(dir);
        String version = manifest.get("format.version");
        if (!Integer.toString(FORMAT_VERSION).equals(version)
                && !Integer.toString(LEGACY_FORMAT_VERSION).equals(version)) {
            throw new CheckpointException(dir + ": format version " + version + ", this reader supports "
                    + LEGACY_FORMAT_VERSION + " and " + FORMAT_VERSION);
        }
        for (String required : List.of(MODEL, STATE, OFFSETS)) {
            if (!manifest.containsKey("file." + required + ".bytes")) {
                throw new CheckpointException(dir + ": the manifest lists no " + required);
            }
        }
        for (Map.Entry<String, String> e : manifest.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("file.") || !key.endsWith(".bytes")) {
                continue;
            }
            String name = key.substring("file.".length(), key.length() - ".bytes".length());
            Path file = dir.resolve(name);
            long expected = Long.parseLong(e.getValue());
            long actual;
            try {
                actual = Files.size(file);
            } catch (NoSuchFileException ex) {
                throw new CheckpointException(dir + ": " + name + " is missing");
            } catch (IOException ex) {
                throw new CheckpointException(dir + ": cannot read " + name + ": " + ex, ex);
            }
            if (actual != expected) {
                throw new CheckpointException(dir + ": " + (actual < expected ? "truncated" : "too long") + ": " + name
                        + " has " + actual + " bytes, the manifest says " + expected);
            }
            String crcText = manifest.get("file." + name + ".crc32c");
            long crc;
            try {
                crc = crc32c(file);
            } catch (IOException ex) {
                throw new CheckpointException(dir + ": cannot read " + name + ": " + ex, ex);
            }
            if (crcText == null || Long.parseLong(crcText, 16) != crc) {
                throw new CheckpointException(dir + ": checksum mismatch: " + name + " has CRC-32C "
                        + Long.toHexString(crc) + ", the manifest says " + crcText);
            }
        }
        return manifest;
    }

    private static Map<String, String> readManifest(Path dir) throws CheckpointException {
        String text;
        try {
            text = Files.readString(dir.resolve(MANIFEST), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(dir + ": " + MANIFEST + " is missing");
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot read " + MANIFEST + ": " + e, e);
        }
        int last = text.lastIndexOf("manifest.crc32c=");
        if (last < 0 || !text.endsWith("\n")) {
            throw new CheckpointException(dir + ": " + MANIFEST + " is incomplete (no manifest.crc32c line)");
        }
        String body = text.substring(0, last);
        String stated = text.substring(last + "manifest.crc32c=".length()).trim();
        if (!Long.toHexString(crc32c(body)).equals(stated)) {
            throw new CheckpointException(dir + ": checksum mismatch: " + MANIFEST + " has CRC-32C "
                    + Long.toHexString(crc32c(body)) + ", its last line says " + stated);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new CheckpointException(dir + ": malformed manifest line '" + line + "'");
            }
            out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    private static CheckpointInfo info(Path dir, Map<String, String> manifest) throws CheckpointException {
        try {
            return new CheckpointInfo(Long.parseLong(manifest.get("sequence")),
                    Instant.parse(manifest.get("created.at")), Long.parseLong(manifest.get("model.version")),
                    Long.parseLong(manifest.getOrDefault("parent.version", "-1")), dir);
        } catch (RuntimeException e) {
            throw new CheckpointException(dir + ": malformed manifest: " + e, e);
        }
    }

    static String stateText(LearnerState state, Map<String, StrategyState> strategies) throws IOException {
        Properties p = new Properties();
        p.setProperty("strategy", state.strategy());
        p.setProperty("tasks.ended", Integer.toString(state.tasksEnded()));
        p.setProperty("task.count", Integer.toString(state.taskIndex().size()));
        state.taskIndex().forEach((tag, index) -> p.setProperty("task." + index, tag));
        state.watch().forEach((key, value) -> p.setProperty(WATCH_PREFIX + key, value));
        p.setProperty(STRATEGY_IDS, String.join(",", strategies.keySet()));
        strategies.forEach((id, s) -> {
            p.setProperty(STRATEGY_PREFIX + id + ".version", Integer.toString(s.version()));
            s.properties().forEach((key, value) -> p.setProperty(STRATEGY_PREFIX + id + PROPERTY_INFIX + key, value));
        });
        StringWriter out = new StringWriter();
        p.store(out, "Mnemo learner state");
        return out.toString();
    }

    static LearnerState parseState(Path dir, Properties p) throws CheckpointException {
        try {
            Map<String, Integer> tasks = new LinkedHashMap<>();
            int count = Integer.parseInt(p.getProperty("task.count"));
            for (int i = 0; i < count; i++) {
                String tag = p.getProperty("task." + i);
                if (tag == null) {
                    throw new IllegalArgumentException("task." + i + " is missing");
                }
                tasks.put(tag, i);
            }
            Map<String, String> watch = new LinkedHashMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(WATCH_PREFIX)) {
                    watch.put(key.substring(WATCH_PREFIX.length()), p.getProperty(key));
                }
            }
            return new LearnerState(p.getProperty("strategy", ""), Integer.parseInt(p.getProperty("tasks.ended")),
                    tasks, watch);
        } catch (RuntimeException e) {
            throw new CheckpointException(dir + ": malformed " + STATE + ": " + e, e);
        }
    }

    /** Format 2: each strategy's version and properties from the state, its parts from the manifest. */
    private static Map<String, StrategyState> parseStrategies(Path dir, Map<String, String> manifest, Properties p)
            throws IOException, ReplayStoreException {
        Map<String, StrategyState> out = new LinkedHashMap<>();
        String ids = p.getProperty(STRATEGY_IDS);
        if (ids == null) {
            throw new CheckpointException(dir + ": malformed " + STATE + ": " + STRATEGY_IDS + " is missing");
        }
        for (String id : ids.isBlank() ? new String[0] : ids.split(",")) {
            String prefix = STRATEGY_PREFIX + id + ".";
            String propertyPrefix = STRATEGY_PREFIX + id + PROPERTY_INFIX;
            Map<String, String> properties = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(propertyPrefix)) {
                    properties.put(key.substring(propertyPrefix.length()), p.getProperty(key));
                }
            }
            StrategyState state;
            try {
                state = StrategyState.of(Integer.parseInt(p.getProperty(prefix + "version")), properties);
            } catch (RuntimeException e) {
                throw new CheckpointException(dir + ": malformed " + STATE + ": the state of " + id + ": " + e, e);
            }
            for (Map.Entry<String, String> e : manifest.entrySet()) {
                if (e.getKey().startsWith(prefix + "network.")) {
                    state = state.withNetwork(e.getKey().substring((prefix + "network.").length()),
                            Classifier.load(dir.resolve(e.getValue())));
                } else if (e.getKey().startsWith(prefix + "buffer.")) {
                    state = state.withBuffer(e.getKey().substring((prefix + "buffer.").length()),
                            ReplaySnapshots.read(dir.resolve(e.getValue())));
                }
            }
            out.put(id, state);
        }
        return out;
    }

    /**
     * Format 1, frozen: LwF's properties were {@code lwf.*} in the state and its teacher
     * {@code teacher.zip}; the replay buffer was the snapshot named by {@code replay.snapshot}.
     */
    private static Map<String, StrategyState> legacyStrategies(Path dir, Map<String, String> manifest, Properties p)
            throws IOException, ReplayStoreException {
        Map<String, StrategyState> out = new LinkedHashMap<>();
        if (p.containsKey(LEGACY_LWF_PREFIX + "seen")) {
            Map<String, String> properties = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(LEGACY_LWF_PREFIX)) {
                    properties.put(key.substring(LEGACY_LWF_PREFIX.length()), p.getProperty(key));
                }
            }
            StrategyState lwf = StrategyState.of(1, properties);
            if (manifest.containsKey("file." + LEGACY_TEACHER + ".bytes")) {
                lwf = lwf.withNetwork("teacher", Classifier.load(dir.resolve(LEGACY_TEACHER)));
            }
            out.put("lwf", lwf);
        }
        if (manifest.containsKey("replay.snapshot")) {
            out.put("replay", StrategyState.of(1, Map.of())
                    .withBuffer("buffer", ReplaySnapshots.read(dir.resolve(manifest.get("replay.snapshot")))));
        }
        return out;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    static String offsetsText(List<ConsumedOffset> offsets) throws IOException {
        Map<String, String> sorted = new TreeMap<>();
        for (ConsumedOffset o : offsets) {
            sorted.put(o.topic() + "/" + o.partition(), Long.toString(o.nextOffset()));
        }
        StringBuilder text = new StringBuilder("# topic/partition=next offset\n");
        sorted.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    static List<ConsumedOffset> parseOffsets(Path dir, String text) throws CheckpointException {
        List<ConsumedOffset> out = new ArrayList<>();
        try {
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.lastIndexOf('=');
                int slash = line.lastIndexOf('/', eq);
                out.add(new ConsumedOffset(line.substring(0, slash), Integer.parseInt(line.substring(slash + 1, eq)),
                        Long.parseLong(line.substring(eq + 1).trim())));
            }
        } catch (RuntimeException e) {
            throw new CheckpointException(dir + ": malformed " + OFFSETS + ": " + e, e);
        }
        return out;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void writeDurably(Path file, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    private static void forceDirectory(Path dir) {
        // Forcing a directory makes a rename in it durable; some platforms cannot open one, and then the
        // rename is as durable as that file system makes it.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not supported here
        }
    }

    private static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    private static long crc32c(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static long sequenceOf(Path dir) {
        return Long.parseLong(dir.getFileName().toString().substring(PREFIX.length()));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover is deleted by the next prune
        }
    }
}
