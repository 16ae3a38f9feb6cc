package dev.mnemo.learner.history;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;

/**
 * The samples of a {@link RangeReader}, decoded as the learner decodes {@code samples.labelled}
 * (Avro {@link Sample}) and checked: a record that does not decode, has no id, the wrong number of
 * features, a non-finite feature or a label out of range is skipped and counted under its
 * dead-letter reason; a replay never writes to a dead-letter topic. Every record is accounted for:
 * {@code read == valid + rejected}.
 */
public final class KafkaSamples implements SampleSource {

    private final RangeReader reader;
    private final int classes;
    private final Map<String, Long> rejected = new TreeMap<>();
    private int inputs;
    private long read;

    /**
     * @param inputs  features per sample, or -1 to take the count of the first sample that decodes
     * @param classes labels must lie in {@code [0, classes)}
     */
    public KafkaSamples(RangeReader reader, int inputs, int classes) {
        this.reader = reader;
        this.inputs = inputs;
        this.classes = classes;
    }

    @Override
    public ReplaySample next() {
        for (ConsumerRecord<byte[], byte[]> r = reader.next(); r != null; r = reader.next()) {
            read++;
            ReplaySample s = decode(r);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private ReplaySample decode(ConsumerRecord<byte[], byte[]> r) {
        Sample sample;
        try {
            if (r.value() == null) {
                return reject(DeadLetters.UNDECODABLE);
            }
            sample = MnemoSerdes.sample().decode(r.value());
        } catch (SerializationException e) {
            return reject(e.getCause() instanceof MissingSchemaException ? DeadLetters.SCHEMA : DeadLetters.UNDECODABLE);
        }
        if (sample.getId() == null || sample.getId().isBlank()) {
            return reject(DeadLetters.MISSING_ID);
        }
        if (inputs < 0 && SampleFeatures.count(sample) > 0) {
            inputs = SampleFeatures.count(sample);
        }
        if (inputs < 0) {
            return reject(DeadLetters.DIMENSION);
        }
        SampleFeatures.Problem problem = SampleFeatures.check(sample, inputs);
        if (problem != null) {
            return reject(problem.reason());
        }
        float[] x = new float[inputs];
        SampleFeatures.copyInto(sample, x, 0, inputs);
        Integer label = sample.getLabel();
        if (label != null && (label < 0 || label >= classes)) {
            return reject(DeadLetters.LABEL_RANGE);
        }
        return new ReplaySample(r.topic(), r.partition(), r.offset(), r.timestamp(), sample.getId(), sample.getTask(),
                label == null ? -1 : label, x);
    }

    private ReplaySample reject(String reason) {
        rejected.merge(reason, 1L, Long::sum);
        return null;
    }

    @Override
    public long read() {
        return read;
    }

    @Override
    public long total() {
        return reader.span();
    }

    @Override
    public Map<String, Long> rejected() {
        return Map.copyOf(rejected);
    }

    @Override
    public long outsideTime() {
        return reader.outsideTime();
    }

    @Override
    public List<RangeReader.PartitionRange> partitions() {
        return reader.partitions();
    }

    @Override
    public int inputs() {
        return inputs;
    }
}
