package dev.mnemo.learner.checkpoint;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What a checkpoint's manifest says about it, without loading it.
 *
 * @param sequence      the checkpoint's number, increasing with every checkpoint written to a store
 * @param createdAt     when it was written
 * @param modelVersion  the version (training steps) of the model it holds
 * @param parentVersion the model version of the checkpoint written before it by the same store, or -1
 * @param directory     where it lies
 */
public record CheckpointInfo(long sequence, Instant createdAt, long modelVersion, long parentVersion,
                             Path directory) {

    /** The checkpoint directory as a {@code file:} URI. */
    public String uri() {
        return directory.toAbsolutePath().toUri().toString();
    }
}
