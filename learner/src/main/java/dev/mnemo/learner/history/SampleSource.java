package dev.mnemo.learner.history;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The samples a replay evaluates on, in order: from Kafka ({@link KafkaSamples}) or from memory
 * ({@link #of(List)}), which runs the same lanes on a list of records, for benchmarks and
 * comparisons.
 */
public interface SampleSource {

    /** The next valid sample, or null at the end. */
    ReplaySample next();

    /** Records read so far (valid or not). */
    long read();

    /** Records expected in total (an upper bound), or -1 when unknown. */
    long total();

    /** Records that did not decode into a usable sample, by reason. */
    default Map<String, Long> rejected() {
        return Map.of();
    }

    /** Records skipped because their timestamp lay outside the time bounds. */
    default long outsideTime() {
        return 0;
    }

    /** The partitions read and their exact offsets (empty for an in-memory source). */
    default List<RangeReader.PartitionRange> partitions() {
        return List.of();
    }

    /** The number of features every sample must have, once known; -1 before. */
    default int inputs() {
        return -1;
    }

    /** A source over samples already decoded. */
    static SampleSource of(List<ReplaySample> samples) {
        Iterator<ReplaySample> it = samples.iterator();
        return new SampleSource() {
            private long read;

            @Override
            public ReplaySample next() {
                if (!it.hasNext()) {
                    return null;
                }
                read++;
                return it.next();
            }

            @Override
            public long read() {
                return read;
            }

            @Override
            public long total() {
                return samples.size();
            }
        };
    }
}
