package dev.mnemo.ingest.dataset;

import dev.mnemo.ingest.IngestException;

/**
 * A dataset file exists but its content is not what its format promises: a wrong magic number, a
 * size that does not match the header, a non-numeric CSV cell. The message names the file and
 * the position.
 */
public final class DatasetFormatException extends IngestException {

    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
