package dev.mnemo.ingest.http;

import dev.mnemo.ingest.IngestException;

/**
 * A {@link SampleSender} cannot take a record now; it was not sent. Retry later.
 */
public final class SendRefusedException extends IngestException {

    private static final long serialVersionUID = 1L;

    /** Why a send was refused. */
    public enum Cause {
        /** The producer buffer ({@code buffer.memory}) is full: the broker is slower than the senders. */
        BUFFER_FULL,
        /** The producer has no metadata for the topic yet (starting, or the broker is unreachable). */
        NOT_READY
    }

    private final Cause why;

    public SendRefusedException(Cause why, String message, Throwable cause) {
        super(message, cause);
        this.why = why;
    }

    public Cause why() {
        return why;
    }
}
