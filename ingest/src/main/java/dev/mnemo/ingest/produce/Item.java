package dev.mnemo.ingest.produce;

import java.util.Objects;

/**
 * One entry read from an input file: a record ready to send, or a reason why an entry could not
 * be read.
 */
public sealed interface Item {

    /**
     * A record to send.
     *
     * @param key      the record key (the sample id), never null
     * @param value    the record value
     * @param position where it came from, for messages ({@code line 7}, {@code image 12})
     */
    record Ready(String key, byte[] value, String position) implements Item {
        public Ready {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(position, "position");
        }
    }

    /**
     * An entry that could not be read.
     *
     * @param position where it is ({@code line 7})
     * @param reason   what is wrong with it
     */
    record Unreadable(String position, String reason) implements Item {
        public Unreadable {
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
