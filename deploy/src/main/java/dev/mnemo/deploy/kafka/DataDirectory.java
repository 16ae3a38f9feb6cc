package dev.mnemo.deploy.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The broker's data directory: a caller's directory that is kept, or a temporary one that is deleted. */
final class DataDirectory {

    private final Path path;
    private final boolean temporary;

    private DataDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** The directory named by the options, created if missing, or a new temporary one. */
    static DataDirectory of(EmbeddedKafkaOptions options) {
        try {
            if (options.temporaryDataDir()) {
                // Builds and tests point java.io.tmpdir at a folder that may not exist yet.
                Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
                return new DataDirectory(Files.createTempDirectory("mnemo-kafka-").toAbsolutePath(), true);
            }
            Path path = options.dataDir().toAbsolutePath();
            if (Files.exists(path) && !Files.isDirectory(path)) {
                throw new EmbeddedKafkaException("the Kafka data directory " + path + " is a file, not a directory");
            }
            return new DataDirectory(Files.createDirectories(path), false);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not create the Kafka data directory: " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    boolean temporary() {
        return temporary;
    }

    /** Deletes the directory and everything in it when it is a temporary one; keeps it otherwise. */
    void release() {
        if (temporary) {
            deleteRecursively(path);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
