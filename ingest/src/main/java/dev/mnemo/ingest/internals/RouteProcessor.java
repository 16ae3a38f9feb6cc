package dev.mnemo.ingest.internals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestCounters;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage, after the repartition by (source, id): de-duplicates samples and joins late
 * labels to the samples they belong to.
 *
 * <p><b>De-duplication.</b> A window store ({@code seenStore}) holds, per (source, id), the
 * timestamps of the accepted samples, with a retention of at least twice the window; when
 * {@code seenStore} names the label store, the entries of the label store (one per accepted sample)
 * serve, and nothing more is written. A sample with
 * timestamp t is a {@code duplicate} when the store holds the same (source, id) with a timestamp
 * in [t - window, t + window]; otherwise it is accepted and its timestamp stored. Beyond the window
 * the same (source, id) is accepted again as a new sample. A copy that arrives more than one window
 * behind the stream time may find the first copy expired and be accepted.
 *
 * <p><b>Late labels.</b> A second window store ({@code labelStore}), with the label retention as
 * retention, holds per (source, id) and accepted-sample timestamp either the unlabelled sample
 * (canonical Avro) or, once it is labelled, the label. A label with timestamp t looks for the
 * latest entry in [t - retention, t + retention]:
 * <ul>
 *   <li>an unlabelled sample: the sample is written to {@code samples.labelled} with the label,
 *       its own event time, key = sample id, and header {@value #LABEL_DELAY_HEADER} = label event
 *       time - sample event time in milliseconds (negative when the clocks disagree); the entry
 *       becomes that label (first label wins);</li>
 *   <li>a label equal to the known one: counted as repeated and dropped (a labeller that sends
 *       twice);</li>
 *   <li>a different label: dead-lettered as {@code duplicate} with detail "conflicting label";</li>
 *   <li>no entry (unknown id, or older than the retention): dead-lettered as {@code orphan-label}.</li>
 * </ul>
 *
 * <p>Dead letters written here hold the original topic, partition, offset and key (from the
 * {@link Provenance}) and, as value, the canonical Avro encoding of the sample or label.
 */
public final class RouteProcessor implements Processor<byte[], byte[], byte[], Routed> {

    /** Header of a joined sample: label event time minus sample event time, in milliseconds (UTF-8 decimal). */
    public static final String LABEL_DELAY_HEADER = dev.mnemo.schemas.RecordHeaders.LABEL_DELAY_MS;

    private static final Logger LOG = LoggerFactory.getLogger(RouteProcessor.class);
    private static final byte[] SEEN = {1};
    private static final byte UNLABELLED = 0;
    private static final byte LABELLED = 1;

    private final String seenStoreName;
    private final String labelStoreName;
    private final long window;
    private final long retention;
    private final Duration windowSpan;
    private final Duration retentionSpan;
    private final IngestCounters counters;
    private final SampleHead.Reader heads = new SampleHead.Reader();
    private ProcessorContext<byte[], Routed> context;
    private IngestMetrics metrics;
    private WindowStore<byte[], byte[]> seen;
    private WindowStore<byte[], byte[]> labels;

    private RouteProcessor(IngestConfig config, IngestCounters counters, String seenStoreName, String labelStoreName) {
        this.seenStoreName = seenStoreName;
        this.labelStoreName = labelStoreName;
        this.windowSpan = config.dedupWindow();
        this.retentionSpan = config.labelRetention();
        this.window = windowSpan.toMillis();
        this.retention = retentionSpan.toMillis();
        this.counters = counters;
    }

    /**
     * A supplier of processors that use the named window stores; {@code seenStoreName} may name the
     * label store, whose retention must then be at least twice the de-duplication window.
     */
    public static ProcessorSupplier<byte[], byte[], byte[], Routed> supplier(IngestConfig config, IngestCounters counters,
                                                                            String seenStoreName, String labelStoreName) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(counters, "counters");
        if (Objects.equals(seenStoreName, labelStoreName) && !dev.mnemo.ingest.IngestTopology.sharesLabelStore(config)) {
            throw new IllegalArgumentException("the label store can serve de-duplication only when the label retention ("
                    + config.labelRetention() + ") is at least twice the de-duplication window (" + config.dedupWindow()
                    + ")");
        }
        return () -> new RouteProcessor(config, counters, seenStoreName, labelStoreName);
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> processorContext) {
        this.context = processorContext;
        this.metrics = IngestMetrics.register(processorContext.metrics(), processorContext.applicationId());
        this.labels = processorContext.getStateStore(labelStoreName);
        this.seen = seenStoreName.equals(labelStoreName) ? labels : processorContext.getStateStore(seenStoreName);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Provenance provenance = Provenance.read(record.headers());
        if (provenance == null || record.key() == null || record.value() == null) {
            // Only this topology writes the repartition topic; a record without provenance is foreign.
            Provenance unknown = new Provenance(Provenance.Kind.SAMPLE, context.recordMetadata()
                    .map(m -> m.topic()).orElse("unknown"), -1, -1, record.key());
            deadLetter(record, unknown, DeadLetters.UNDECODABLE, "record on the repartition topic without ingest "
                    + "provenance headers");
            return;
        }
        try {
            if (provenance.kind() == Provenance.Kind.SAMPLE) {
                routeSample(record, provenance, heads.read(record.value()));
            } else {
                routeLabel(record, provenance, MnemoSerdes.labelFeedback().decode(record.value()));
            }
        } catch (RuntimeException e) {
            if (e instanceof org.apache.kafka.streams.errors.StreamsException) {
                throw e; // a store or producer failure: let Streams handle it (and retry under exactly-once)
            }
            LOG.warn("unexpected failure while routing a record; sending it to the dead-letter topic", e);
            deadLetter(record, provenance, DeadLetters.UNDECODABLE,
                    SampleValidator.cut("unexpected failure while routing: " + e));
        }
    }

    private void routeSample(Record<byte[], byte[]> record, Provenance provenance, SampleHead sample) {
        byte[] key = record.key();
        long t = record.timestamp();
        Long earlier = null;
        try (WindowStoreIterator<byte[]> it = seen.fetch(key, floor(t, window), ceiling(t, window))) {
            if (it.hasNext()) {
                earlier = it.next().key;
            }
        }
        if (earlier != null) {
            deadLetter(record, provenance, DeadLetters.DUPLICATE, "sample " + RoutingKey.describe(sample.source(),
                    sample.id()) + " already accepted with timestamp " + Instant.ofEpochMilli(earlier) + ", "
                    + Math.abs(t - earlier) + " ms apart, within the de-duplication window of " + windowSpan);
            return;
        }
        if (seen != labels) {
            seen.put(key, SEEN, t);
        }
        Integer label = sample.label();
        labels.put(key, label == null ? unlabelledEntry(record.value()) : labelledEntry(label), t);
        Record<byte[], Routed> out = record.withKey(sample.id().getBytes(StandardCharsets.UTF_8))
                .withValue(new Routed(label == null ? Routed.Destination.UNLABELLED : Routed.Destination.LABELLED,
                        record.value()))
                .withHeaders(Provenance.strip(record.headers()));
        context.forward(out);
        if (label == null) {
            counters.recordUnlabelled();
            metrics.unlabelled();
        } else {
            counters.recordLabelled();
            metrics.labelled();
        }
    }

    private void routeLabel(Record<byte[], byte[]> record, Provenance provenance, LabelFeedback label) {
        byte[] key = record.key();
        long t = record.timestamp();
        KeyValue<Long, byte[]> latest = null;
        try (WindowStoreIterator<byte[]> it = labels.backwardFetch(key, Instant.ofEpochMilli(floor(t, retention)),
                Instant.ofEpochMilli(ceiling(t, retention)))) {
            if (it.hasNext()) {
                latest = it.next();
            }
        }
        String who = RoutingKey.describe(label.getSource(), label.getSampleId());
        if (latest == null || latest.value == null || latest.value.length == 0) {
            deadLetter(record, provenance, DeadLetters.ORPHAN_LABEL, "no sample " + who + " accepted within the "
                    + "label retention of " + retentionSpan + " around this label (unknown id, or expired)");
            return;
        }
        byte[] entry = latest.value;
        if (entry[0] == LABELLED) {
            int known = ByteBuffer.wrap(entry, 1, 4).getInt();
            if (known == label.getLabel()) {
                counters.recordLabelRepeated();
                metrics.labelRepeated();
            } else {
                deadLetter(record, provenance, DeadLetters.DUPLICATE, "conflicting label: sample " + who
                        + " already has label " + known + ", this label says " + label.getLabel()
                        + "; the first label wins");
            }
            return;
        }
        Sample sample = MnemoSerdes.sample().decode(Arrays.copyOfRange(entry, 1, entry.length));
        sample.setLabel(label.getLabel());
        long delay = label.getEventTime().toEpochMilli() - sample.getEventTime().toEpochMilli();
        Headers headers = Provenance.strip(record.headers());
        headers.remove(LABEL_DELAY_HEADER);
        headers.add(LABEL_DELAY_HEADER, Long.toString(delay).getBytes(StandardCharsets.UTF_8));
        labels.put(key, labelledEntry(label.getLabel()), latest.key);
        context.forward(record.withKey(sample.getId().getBytes(StandardCharsets.UTF_8))
                .withValue(new Routed(Routed.Destination.LABELLED, MnemoSerdes.sample().encode(sample)))
                .withHeaders(headers));
        counters.recordLabelJoined();
        metrics.labelJoined();
    }

    private void deadLetter(Record<byte[], byte[]> record, Provenance provenance, String reason, String detail) {
        Verdict.Rejected rejected = new Verdict.Rejected(reason, SampleValidator.cut(detail));
        RejectedRecord letter = DeadLetter.value(rejected, provenance.topic(), provenance.partition(),
                provenance.offset(), record.timestamp(), context.currentSystemTimeMs(), provenance.key(), record.value());
        context.forward(record.withKey(provenance.key())
                .withValue(new Routed(Routed.Destination.DEAD_LETTER, MnemoSerdes.rejectedRecord().encode(letter)))
                .withHeaders(DeadLetter.headers(record.headers(), reason, letter.getDetail())));
        if (provenance.kind() == Provenance.Kind.SAMPLE) {
            counters.recordRejected(reason);
            metrics.rejected(reason);
        } else {
            counters.recordLabelRejected(reason);
            metrics.labelRejected(reason);
        }
    }

    private static byte[] unlabelledEntry(byte[] sample) {
        byte[] entry = new byte[sample.length + 1];
        entry[0] = UNLABELLED;
        System.arraycopy(sample, 0, entry, 1, sample.length);
        return entry;
    }

    private static byte[] labelledEntry(int label) {
        return ByteBuffer.allocate(5).put(LABELLED).putInt(label).array();
    }

    private static long floor(long t, long span) {
        return Math.max(0, t - span);
    }

    private static long ceiling(long t, long span) {
        return t > Long.MAX_VALUE - span ? Long.MAX_VALUE : t + span;
    }
}
