package dev.mnemo.replay;

import java.nio.file.Path;

/**
 * A snapshot that is truncated, altered or incomplete: its checksum, length or header does not match
 * its manifest. A caller can fall back to an older snapshot, see {@link ReplaySnapshots#latestValid}.
 */
public class CorruptSnapshotException extends ReplayStoreException {

    private static final long serialVersionUID = 1L;

    /** Not serialized: {@link Path} is not serializable; the message names the snapshot too. */
    private final transient Path snapshot;

    public CorruptSnapshotException(Path snapshot, String reason) {
        super("corrupt replay snapshot " + snapshot + ": " + reason);
        this.snapshot = snapshot;
    }

    public CorruptSnapshotException(Path snapshot, String reason, Throwable cause) {
        super("corrupt replay snapshot " + snapshot + ": " + reason, cause);
        this.snapshot = snapshot;
    }

    /** The snapshot directory that failed. */
    public Path snapshot() {
        return snapshot;
    }
}
