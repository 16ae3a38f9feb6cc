package dev.mnemo.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers the tests share. */
final class RunDirs {

    private RunDirs() {
    }

    /** Deletes {@code root} and everything under it; nothing when it does not exist. */
    static void deleteRecursively(Path root) throws IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }
}
