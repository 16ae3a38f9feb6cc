package dev.mnemo.replay;

/** Root of the failures of the replay store that a caller may handle, such as a snapshot that cannot be written. */
public class ReplayStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public ReplayStoreException(String message) {
        super(message);
    }

    public ReplayStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
