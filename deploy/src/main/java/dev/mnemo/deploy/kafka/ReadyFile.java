package dev.mnemo.deploy.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file that tells scripts the broker is ready and where: it holds the bootstrap address.
 *
 * <p>It is written to a temporary file beside it and then renamed, so a reader never sees it
 * half-written: if the file exists, its content is complete.
 */
final class ReadyFile {

    private ReadyFile() {
    }

    /** Writes {@code content} and a line break to {@code file}, atomically where the file system can. */
    static void write(Path file, String content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temp, content + System.lineSeparator(), StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
