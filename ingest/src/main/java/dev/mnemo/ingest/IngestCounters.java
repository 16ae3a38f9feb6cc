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
 * <p>Late labels from {@code labels} have their own counts ({@link #labelSnapshot()}): every label
 * is joined to its sample, dropped as an identical repeat, or dead-lettered with one reason
 * ({@code orphan-label}, {@code duplicate} for a conflicting label, or a validation reason), so
 * {@code received = joined + repeated + rejected}. A joined label writes one more record to
 * {@code samples.labelled}: that topic holds {@code labelled + joined} records.
 *
 * <p>Counts are kept in memory by this instance: under exactly-once, a transaction that is
 * aborted and processed again (after a broker or task failure) is counted again here, while the
 * output topics hold it once.
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
    private long labelsJoined;
    private long labelsRepeated;
    private final Map<String, Long> labelsRejected = new TreeMap<>();

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

    /** Counts a late label joined to its sample and written to {@code samples.labelled}. */
    public synchronized void recordLabelJoined() {
        labelsJoined++;
    }

    /** Counts a late label equal to the label its sample already has, dropped. */
    public synchronized void recordLabelRepeated() {
        labelsRepeated++;
    }

    /**
     * Counts a late label routed to {@code samples.dlq}.
     *
     * @param reason one of the reason codes of {@link DeadLetters}
     */
    public synchronized void recordLabelRejected(String reason) {
        Objects.requireNonNull(reason, "reason");
        labelsRejected.merge(reason, 1L, Long::sum);
    }

    /** An immutable copy of the label counts, taken atomically. */
    public synchronized LabelSnapshot labelSnapshot() {
        long total = 0;
        for (long n : labelsRejected.values()) {
            total += n;
        }
        return new LabelSnapshot(labelsJoined + labelsRepeated + total, labelsJoined, labelsRepeated, labelsRejected);
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

    /**
     * The counts of late labels at one moment.
     *
     * @param received         records read from {@code labels}
     * @param joined           labels joined to their sample and written to {@code samples.labelled}
     * @param repeated         labels equal to the one their sample already had, dropped
     * @param rejectedByReason labels written to {@code samples.dlq}, per reason
     */
    public record LabelSnapshot(long received, long joined, long repeated, Map<String, Long> rejectedByReason) {

        /**
         * @throws IllegalArgumentException when a count is negative or the counts do not add up
         */
        public LabelSnapshot {
            rejectedByReason = Map.copyOf(rejectedByReason);
            long total = 0;
            for (long n : rejectedByReason.values()) {
                if (n < 0) {
                    throw new IllegalArgumentException("counts must be >= 0: " + rejectedByReason);
                }
                total += n;
            }
            if (joined < 0 || repeated < 0 || received != joined + repeated + total) {
                throw new IllegalArgumentException("labels received (" + received + ") must equal joined (" + joined
                        + ") + repeated (" + repeated + ") + rejected (" + total + ")");
            }
        }

        /** Labels rejected for any reason. */
        public long rejected() {
            long total = 0;
            for (long n : rejectedByReason.values()) {
                total += n;
            }
            return total;
        }

        /** Labels rejected for this reason; 0 when never seen. */
        public long rejected(String reason) {
            return rejectedByReason.getOrDefault(reason, 0L);
        }

        /** Labels for a sample that is unknown or older than the label retention. */
        public long orphan() {
            return rejected(DeadLetters.ORPHAN_LABEL);
        }

        /** Labels that disagree with the label their sample already has. */
        public long conflicting() {
            return rejected(DeadLetters.DUPLICATE);
        }

        @Override
        public String toString() {
            return "labels received=" + received + " joined=" + joined + " repeated=" + repeated + " rejected="
                    + rejected() + (rejectedByReason.isEmpty() ? "" : " " + new TreeMap<>(rejectedByReason));
        }
    }
}
