package dev.mnemo.ingest.internals;

import java.util.Objects;

/**
 * A value on its way between the stages of the topology, with where it goes next; the topology
 * splits a stream of these by {@link #destination()} and writes {@link #value()}.
 *
 * @param destination where the value goes
 * @param value       the bytes written there (never null)
 */
public record Routed(Destination destination, byte[] value) {

    /** Where a value goes. */
    public enum Destination {
        /** To the repartition topic, keyed by (source, id), for de-duplication and the label join. */
        KEYED,
        /** To {@code samples.labelled}. */
        LABELLED,
        /** To {@code samples.unlabelled}. */
        UNLABELLED,
        /** To {@code samples.dlq}. */
        DEAD_LETTER
    }

    public Routed {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(value, "value");
    }

    /** Whether this value goes to the given destination (for the split predicates). */
    public boolean goesTo(Destination d) {
        return destination == d;
    }
}
