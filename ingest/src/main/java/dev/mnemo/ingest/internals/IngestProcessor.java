package dev.mnemo.ingest.internals;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestCounters;
import dev.mnemo.schemas.serde.MnemoSerdes;
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
 * Validates each record of {@code samples.raw} and forwards it to exactly one of three sinks.
 *
 * <p>Accepted samples go to the labelled or unlabelled sink with key = the sample id (UTF-8) and
 * value = the sample re-encoded in the current Avro schema; their headers and timestamp are kept.
 * Rejected records go to the dead-letter sink with the original key, a {@link RejectedRecord}
 * value and the reason headers. Anything a check throws unexpectedly becomes an
 * {@code undecodable} rejection, so no record can stop the stream thread or vanish. Each outcome
 * is counted once, after it is forwarded, in both {@link IngestCounters} and the Streams metrics.
 */
public final class IngestProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(IngestProcessor.class);

    private final IngestConfig config;
    private final SampleValidator validator;
    private final IngestCounters counters;
    private final String labelledSink;
    private final String unlabelledSink;
    private final String deadLetterSink;
    private ProcessorContext<byte[], byte[]> context;
    private IngestMetrics metrics;

    private IngestProcessor(IngestConfig config, IngestCounters counters, String labelledSink, String unlabelledSink,
                            String deadLetterSink) {
        this.config = config;
        this.validator = new SampleValidator(config);
        this.counters = counters;
        this.labelledSink = labelledSink;
        this.unlabelledSink = unlabelledSink;
        this.deadLetterSink = deadLetterSink;
    }

    /** A supplier of processors that share the counters and forward to the named sinks. */
    public static ProcessorSupplier<byte[], byte[], byte[], byte[]> supplier(IngestConfig config, IngestCounters counters,
                                                                             String labelledSink, String unlabelledSink,
                                                                             String deadLetterSink) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(counters, "counters");
        return () -> new IngestProcessor(config, counters, labelledSink, unlabelledSink, deadLetterSink);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> processorContext) {
        this.context = processorContext;
        this.metrics = IngestMetrics.register(processorContext.metrics(), processorContext.applicationId());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Verdict verdict;
        try {
            verdict = validator.validate(record.value(), record.timestamp());
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure while checking a record; sending it to the dead-letter topic", e);
            verdict = new Verdict.Rejected(dev.mnemo.schemas.DeadLetters.UNDECODABLE,
                    SampleValidator.cut("unexpected failure while checking: " + e));
        }
        if (verdict instanceof Verdict.Accepted accepted) {
            Sample sample = accepted.sample();
            byte[] key = sample.getId().getBytes(StandardCharsets.UTF_8);
            byte[] value = MnemoSerdes.sample().encode(sample);
            boolean labelled = sample.getLabel() != null;
            context.forward(record.withKey(key).withValue(value), labelled ? labelledSink : unlabelledSink);
            if (labelled) {
                counters.recordLabelled();
                metrics.labelled();
            } else {
                counters.recordUnlabelled();
                metrics.unlabelled();
            }
        } else {
            Verdict.Rejected rejected = (Verdict.Rejected) verdict;
            String topic = config.topics().samplesRaw();
            int partition = -1;
            long offset = -1;
            if (context.recordMetadata().isPresent()) {
                RecordMetadata meta = context.recordMetadata().get();
                topic = meta.topic();
                partition = meta.partition();
                offset = meta.offset();
            }
            RejectedRecord letter = DeadLetter.value(rejected, topic, partition, offset, record.timestamp(),
                    context.currentSystemTimeMs(), record.key(), record.value());
            byte[] value = MnemoSerdes.rejectedRecord().encode(letter);
            context.forward(record.withValue(value)
                            .withHeaders(DeadLetter.headers(record.headers(), rejected.reason(), letter.getDetail())),
                    deadLetterSink);
            counters.recordRejected(rejected.reason());
            metrics.rejected(rejected.reason());
        }
    }
}
