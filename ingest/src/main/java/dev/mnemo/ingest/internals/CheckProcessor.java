package dev.mnemo.ingest.internals;

import java.util.Objects;

import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestCounters;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage: checks each record of {@code samples.raw} (or of {@code labels}) on its own and
 * forwards exactly one {@link Routed} value for it.
 *
 * <p>A valid sample or label is forwarded as {@link Routed.Destination#KEYED}: key = its
 * {@link RoutingKey} (source, id), value = the canonical Avro encoding, headers = the original ones
 * plus the {@link Provenance}; the topology writes it to the repartition topic, and
 * {@link RouteProcessor} decides its fate. A rejected record is forwarded as
 * {@link Routed.Destination#DEAD_LETTER} with the original key, a {@link RejectedRecord} value and
 * the reason headers, and counted here. Anything a check throws unexpectedly becomes an
 * {@code undecodable} rejection, so no record can stop the stream thread or vanish.
 */
public final class CheckProcessor implements Processor<byte[], byte[], byte[], Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(CheckProcessor.class);

    private final Provenance.Kind kind;
    private final String topic;
    private final SampleValidator samples;
    private final LabelValidator labels;
    private final IngestCounters counters;
    private ProcessorContext<byte[], Routed> context;
    private IngestMetrics metrics;

    private CheckProcessor(Provenance.Kind kind, IngestConfig config, IngestCounters counters) {
        this.kind = kind;
        this.topic = kind == Provenance.Kind.SAMPLE ? config.topics().samplesRaw() : config.topics().labels();
        this.samples = new SampleValidator(config);
        this.labels = new LabelValidator(config);
        this.counters = counters;
    }

    /** A supplier of processors that check samples ({@link Provenance.Kind#SAMPLE}) or labels. */
    public static ProcessorSupplier<byte[], byte[], byte[], Routed> supplier(Provenance.Kind kind, IngestConfig config,
                                                                            IngestCounters counters) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(counters, "counters");
        return () -> new CheckProcessor(kind, config, counters);
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> processorContext) {
        this.context = processorContext;
        this.metrics = IngestMetrics.register(processorContext.metrics(), processorContext.applicationId());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String from = topic;
        int partition = -1;
        long offset = -1;
        if (context.recordMetadata().isPresent()) {
            RecordMetadata meta = context.recordMetadata().get();
            from = meta.topic();
            partition = meta.partition();
            offset = meta.offset();
        }
        Verdict verdict;
        try {
            verdict = kind == Provenance.Kind.SAMPLE ? samples.validate(record.value(), record.timestamp())
                    : labels.validate(record.value(), record.timestamp());
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure while checking a record; sending it to the dead-letter topic", e);
            verdict = new Verdict.Rejected(DeadLetters.UNDECODABLE,
                    SampleValidator.cut("unexpected failure while checking: " + e));
        }
        byte[] key;
        byte[] value;
        if (verdict instanceof Verdict.Accepted accepted) {
            Sample sample = accepted.sample();
            key = RoutingKey.of(sample.getSource(), sample.getId());
            value = SampleValidator.isCurrentAvro(record.value()) ? record.value() : MnemoSerdes.sample().encode(sample);
        } else if (verdict instanceof Verdict.LabelAccepted accepted) {
            LabelFeedback label = accepted.label();
            key = RoutingKey.of(label.getSource(), label.getSampleId());
            value = MnemoSerdes.labelFeedback().encode(label);
        } else {
            Verdict.Rejected rejected = (Verdict.Rejected) verdict;
            RejectedRecord letter = DeadLetter.value(rejected, from, partition, offset, record.timestamp(),
                    context.currentSystemTimeMs(), record.key(), record.value());
            context.forward(record
                    .withValue(new Routed(Routed.Destination.DEAD_LETTER, MnemoSerdes.rejectedRecord().encode(letter)))
                    .withHeaders(DeadLetter.headers(record.headers(), rejected.reason(), letter.getDetail())));
            if (kind == Provenance.Kind.SAMPLE) {
                counters.recordRejected(rejected.reason());
                metrics.rejected(rejected.reason());
            } else {
                counters.recordLabelRejected(rejected.reason());
                metrics.labelRejected(rejected.reason());
            }
            return;
        }
        Provenance provenance = new Provenance(kind, from, partition, offset, record.key());
        context.forward(record.withKey(key)
                .withValue(new Routed(Routed.Destination.KEYED, value))
                .withHeaders(provenance.stamp(record.headers())));
    }
}
