package dev.mnemo.ingest.produce;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what a produce run did: records handed to the producer, records delivered, and errors
 * (entries that could not be read, records that could not be delivered), each with its reason.
 *
 * <p>Thread-safe: delivery callbacks run on the producer's I/O thread. {@link #snapshot()} gives
 * an immutable, consistent view.
 */
public final class Tally {

    /** How many error examples are kept, so a file full of bad lines cannot exhaust memory. */
    public static final int MAX_EXAMPLES = 20;

    /**
     * A consistent view of the counts.
     *
     * @param read        entries read from the input, good and bad
     * @param handedOver  records given to the producer
     * @param delivered   records the broker acknowledged
     * @param unreadable  entries that could not be read
     * @param undelivered records that could not be delivered
     * @param reasons     error count per reason
     * @param examples    the first {@value #MAX_EXAMPLES} errors, as "position: reason"
     */
    public record Snapshot(long read, long handedOver, long delivered, long unreadable, long undelivered,
                           Map<String, Long> reasons, List<String> examples) {

        public Snapshot {
            reasons = Map.copyOf(reasons);
            examples = List.copyOf(examples);
        }

        /** Errors of both kinds. */
        public long errors() {
            return unreadable + undelivered;
        }

        /** Whether every entry read was delivered. */
        public boolean complete() {
            return errors() == 0 && delivered == read;
        }
    }

    private long read;
    private long handedOver;
    private long delivered;
    private long unreadable;
    private long undelivered;
    private final Map<String, Long> reasons = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();

    /** One entry could not be read. */
    public synchronized void unreadable(String position, String reason) {
        read++;
        unreadable++;
        error(position, "unreadable: " + reason, "unreadable");
    }

    /** One record was given to the producer. */
    public synchronized void handedOver() {
        read++;
        handedOver++;
    }

    /** The broker acknowledged one record. */
    public synchronized void delivered() {
        delivered++;
    }

    /**
     * One record handed over could not be delivered.
     *
     * @param kind   the kind of failure, counted per kind (an exception name such as {@code RecordTooLargeException})
     * @param detail the message, kept with the first examples
     */
    public synchronized void undelivered(String position, String kind, String detail) {
        undelivered++;
        error(position, "not delivered: " + kind + ": " + detail, "not delivered: " + kind);
    }

    private void error(String position, String message, String reasonKey) {
        reasons.merge(reasonKey, 1L, Long::sum);
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(position + ": " + message);
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(read, handedOver, delivered, unreadable, undelivered, reasons, examples);
    }
}
