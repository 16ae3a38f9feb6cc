package dev.mnemo.ingest.produce;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Reads an input file one entry at a time, so files larger than memory stream through.
 * Not thread-safe.
 */
public interface RecordSource extends AutoCloseable {

    /**
     * The next entry, or null at the end of the input.
     *
     * @throws IOException when the file itself cannot be read (a bad entry is an {@link Item.Unreadable} instead)
     */
    Item next() throws IOException;

    /** How many entries the input holds, when known without reading it all. */
    OptionalLong size();

    @Override
    void close() throws IOException;
}
