package dev.mnemo.ingest;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.mnemo.schemas.DeadLetters;

/**
 * Exact counts of what the ingest topology received and where each record went.
 *
 * <p>Every record the topology reads ends in exactly one outcome (labelled, unlabelled, or
 * rejected with one reason), and the counters record the outcome and the receipt in one step, so
 * every {@link Snapshot} satisfies {@code received = labelled + unlabelled + rejected}. The same
 * figures are exported as Kafka Streams metrics (group {@value #METRICS_GROUP}); this class is
 * the exact, in-process view for tests and logs.
 *
 * <p>Thread-safe: the stream threads of one instance share it, any thread may take a snapshot.
 *
 * <pre>{@code
 * IngestCounters counters = new IngestCounters();
 * Topology topology = IngestTopology.build(IngestConfig.defaults(), counters);
 * // ... run it ...
 * counters.snapshot();   // received=100 labelled=70 unlabelled=28 rejected=2 {dimension=1, non-finite=1}
 * }</pre>
 */
public final class IngestCounters {

    /** Metrics group of the ingest counters, as seen in JMX under {@code kafka.streams:type=...}. */
    public static final String METRICS_GROUP = "mnemo-ingest-metrics";

    private long labelled;
    private long unlabelled;
    private final Map<String, Long> rejected = new TreeMap<>();

    /** Counts a record routed to {@code samples.labelled}. */
    public synchronized void recordLabelled() {
        labelled++;
    }

    /** Counts a record routed to {@code samples.unlabelled}. */
    public synchronized void recordUnlabelled() {
        unlabelled++;
    }

    /**
     * Counts a record routed to {@code samples.dlq}.
     *
     * @param reason one of the reason codes of {@link DeadLetters}
     */
    public synchronized void recordRejected(String reason) {
        Objects.requireNonNull(reason, "reason");
        rejected.merge(reason, 1L, Long::sum);
    }

    /** An immutable copy of the counts, taken atomically. */
    public synchronized Snapshot snapshot() {
        long total = 0;
        for (long n : rejected.values()) {
            total += n;
        }
        return new Snapshot(labelled + unlabelled + total, labelled, unlabelled, rejected);
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }

    /**
     * The counts at one moment.
     *
     * @param received         records read from {@code samples.raw}
     * @param labelled         records written to {@code samples.labelled}
     * @param unlabelled       records written to {@code samples.unlabelled}
     * @param rejectedByReason records written to {@code samples.dlq}, per reason (reasons never seen
     *                         are absent)
     */
    public record Snapshot(long received, long labelled, long unlabelled, Map<String, Long> rejectedByReason) {

        /**
         * @throws IllegalArgumentException when a count is negative or the counts do not add up
         */
        public Snapshot {
            rejectedByReason = Map.copyOf(rejectedByReason);
            long total = 0;
            for (long n : rejectedByReason.values()) {
                if (n < 0) {
                    throw new IllegalArgumentException("counts must be >= 0: " + rejectedByReason);
                }
                total += n;
            }
            if (labelled < 0 || unlabelled < 0 || received != labelled + unlabelled + total) {
                throw new IllegalArgumentException("received (" + received + ") must equal labelled (" + labelled
                        + ") + unlabelled (" + unlabelled + ") + rejected (" + total + ")");
            }
        }

        /** An all-zero snapshot. */
        public static Snapshot empty() {
            return new Snapshot(0, 0, 0, Map.of());
        }

        /** Records rejected for any reason. */
        public long rejected() {
            long total = 0;
            for (long n : rejectedByReason.values()) {
                total += n;
            }
            return total;
        }

        /** Records rejected for this reason; 0 when never seen. */
        public long rejected(String reason) {
            return rejectedByReason.getOrDefault(reason, 0L);
        }

        /** Records accepted, labelled or not. */
        public long accepted() {
            return labelled + unlabelled;
        }

        @Override
        public String toString() {
            return "received=" + received + " labelled=" + labelled + " unlabelled=" + unlabelled + " rejected="
                    + rejected() + (rejectedByReason.isEmpty() ? "" : " " + new TreeMap<>(rejectedByReason));
        }
    }
}
