package dev.mnemo.learner.checkpoint;

import java.io.IOException;

/** A checkpoint could not be written, or read back: incomplete, altered, or of another format. */
public class CheckpointException extends IOException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
