package dev.mnemo.ingest.dataset;

import java.nio.file.Path;
import java.util.List;

import dev.mnemo.ingest.IngestException;

/**
 * A dataset was not found in any of the places the {@link DatasetLocator} looks.
 *
 * <p>The message lists every path that was tried and the command that installs the data, so the
 * user can act on it without reading code.
 */
public final class DatasetUnavailableException extends IngestException {

    private static final long serialVersionUID = 1L;

    private final String dataset;
    private final transient List<Path> tried;

    public DatasetUnavailableException(String dataset, List<Path> tried, String message) {
        super(message);
        this.dataset = dataset;
        this.tried = List.copyOf(tried);
    }

    /** The dataset that was asked for, for example {@code mnist}. */
    public String dataset() {
        return dataset;
    }

    /** Every path that was tried, in search order. */
    public List<Path> tried() {
        return tried == null ? List.of() : tried;
    }
}
