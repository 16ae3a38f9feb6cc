package dev.mnemo.ingest;

/**
 * Root of the failures of the ingest module that a caller may handle: a dataset that cannot be
 * found or read, a producer that could not deliver.
 *
 * <p>Argument errors are {@link IllegalArgumentException}s and are not part of this hierarchy.
 */
public class IngestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IngestException(String message) {
        super(message);
    }

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
