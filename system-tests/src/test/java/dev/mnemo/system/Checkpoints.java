package dev.mnemo.system;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** Reads the learner's checkpoint directories from outside, as an operator would (learner/README.md, "Checkpoints"). */
final class Checkpoints {

    /** One complete checkpoint: its folder, sequence and model version (from its manifest). */
    record Checkpoint(Path dir, long sequence, long modelVersion) {
    }

    private Checkpoints() {
    }

    /** The newest complete checkpoint under {@code root} ({@code ckpt-*} with a manifest), if any. */
    static Optional<Checkpoint> newest(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("ckpt-"))
                    .filter(d -> Files.isRegularFile(d.resolve("manifest.properties")))
                    .max(Comparator.comparing(d -> d.getFileName().toString()))
                    .map(Checkpoints::read);
        }
    }

    /**
     * The input offsets a checkpoint holds ({@code offsets.properties}: topic/partition=next offset),
     * as {@code "topic/partition"} to offset.
     */
    static Map<String, Long> offsets(Checkpoint checkpoint) throws IOException {
        Map<String, Long> offsets = new TreeMap<>();
        for (String line : Files.readAllLines(checkpoint.dir().resolve("offsets.properties"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.lastIndexOf('=');
                offsets.put(line.substring(0, eq).trim(), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return offsets;
    }

    private static Checkpoint read(Path dir) {
        Properties manifest = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("manifest.properties"))) {
            manifest.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Checkpoint(dir, Long.parseLong(manifest.getProperty("sequence")),
                Long.parseLong(manifest.getProperty("model.version")));
    }
}
