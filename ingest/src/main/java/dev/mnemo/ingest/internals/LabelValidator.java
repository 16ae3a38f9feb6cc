package dev.mnemo.ingest.internals;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.AvroSerde;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.serde.SchemaHistory;
import dev.mnemo.schemas.v1.LabelFeedback;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Decides what happens to one value of {@code labels}: accept it as a {@link LabelFeedback}, or
 * reject it with one reason.
 *
 * <p>Checks, in order; the first that fails decides the reason: {@code undecodable} (null or
 * empty value, neither Avro nor JSON, a malformed Avro body), {@code too-large} (longer than
 * {@code maxRecordBytes}, checked before decoding), {@code schema} (an unknown Avro writer schema,
 * a JSON field of the wrong type, a missing label), {@code missing-id} (the sample id is absent,
 * null or blank), {@code label-range} (the label is outside [0, classes)).
 *
 * <p>A JSON label is one object: {@code sampleId} (string, required), {@code label} (integer,
 * required), {@code source} (string, default {@code unknown}), {@code eventTime} (integer
 * milliseconds, default the record timestamp), {@code labeller} (string or null). Other fields
 * are ignored.
 *
 * <p>Stateless and thread-safe.
 */
public final class LabelValidator {

    private static final Map<Long, Schema> WRITER_SCHEMAS = writerSchemas();

    private final int classes;
    private final int maxRecordBytes;

    public LabelValidator(IngestConfig config) {
        Objects.requireNonNull(config, "config");
        this.classes = config.classes();
        this.maxRecordBytes = config.maxRecordBytes();
    }

    /**
     * Checks one value of {@code labels}.
     *
     * @param value           the record value, possibly null
     * @param recordTimestamp the Kafka timestamp, the event time of a JSON label that has none
     * @return {@link Verdict.LabelAccepted} or {@link Verdict.Rejected}
     */
    public Verdict validate(byte[] value, long recordTimestamp) {
        Verdict.Rejected envelope = Envelope.check(value, maxRecordBytes, "a label");
        if (envelope != null) {
            return envelope;
        }
        Verdict decoded = AvroSerde.looksLikeSingleObject(value) ? fromAvro(value) : fromJson(value, recordTimestamp);
        if (decoded instanceof Verdict.LabelAccepted accepted) {
            return check(accepted.label());
        }
        return decoded;
    }

    private Verdict check(LabelFeedback label) {
        if (label.getSampleId() == null || label.getSampleId().isBlank()) {
            return new Verdict.Rejected(DeadLetters.MISSING_ID, "field 'sampleId' is blank");
        }
        if (label.getLabel() < 0 || label.getLabel() >= classes) {
            return new Verdict.Rejected(DeadLetters.LABEL_RANGE, "label " + label.getLabel() + " is outside [0, "
                    + classes + ")");
        }
        return new Verdict.LabelAccepted(label);
    }

    private static Verdict fromAvro(byte[] value) {
        long fingerprint = 0;
        for (int i = 0; i < 8; i++) {
            fingerprint |= (value[2 + i] & 0xFFL) << (8 * i);
        }
        Schema writer = WRITER_SCHEMAS.get(fingerprint);
        if (writer == null) {
            return new Verdict.Rejected(DeadLetters.SCHEMA, "Avro value written with an unknown schema (fingerprint "
                    + String.format("%016x", fingerprint) + "); expected a LabelFeedback");
        }
        String problem = AvroBodyScan.check(value, 10, writer);
        if (problem != null) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE, "Avro body is malformed: " + problem);
        }
        try {
            return new Verdict.LabelAccepted(MnemoSerdes.labelFeedback().decode(value));
        } catch (RuntimeException e) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE,
                    SampleValidator.cut("Avro value cannot be decoded: " + e.getMessage()));
        }
    }

    private Verdict fromJson(byte[] value, long recordTimestamp) {
        JsonNode root;
        try {
            root = SampleValidator.JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE,
                    SampleValidator.cut("neither Avro nor valid JSON: " + e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE,
                    SampleValidator.cut("neither Avro nor valid JSON: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return new Verdict.Rejected(DeadLetters.UNDECODABLE, "neither Avro nor JSON: no content");
        }
        if (!root.isObject()) {
            return schema("expected a JSON object, got " + SampleValidator.kind(root));
        }
        JsonNode id = root.get("sampleId");
        if (id != null && !id.isNull() && !id.isTextual()) {
            return schema("field 'sampleId' must be a string, got " + SampleValidator.kind(id));
        }
        JsonNode labelNode = root.get("label");
        if (labelNode == null || labelNode.isNull()) {
            return schema("field 'label' is missing; expected an integer");
        }
        if (!labelNode.isIntegralNumber()) {
            return schema("field 'label' must be an integer, got " + SampleValidator.kind(labelNode));
        }
        String source = "unknown";
        JsonNode sourceNode = root.get("source");
        if (sourceNode != null && !sourceNode.isNull()) {
            if (!sourceNode.isTextual()) {
                return schema("field 'source' must be a string, got " + SampleValidator.kind(sourceNode));
            }
            source = sourceNode.textValue();
        }
        long eventTime = recordTimestamp;
        JsonNode timeNode = root.get("eventTime");
        if (timeNode != null && !timeNode.isNull()) {
            if (!timeNode.isIntegralNumber() || !timeNode.canConvertToLong()) {
                return schema("field 'eventTime' must be an integer (milliseconds since the epoch), got "
                        + SampleValidator.kind(timeNode));
            }
            eventTime = timeNode.longValue();
        }
        String labeller = null;
        JsonNode labellerNode = root.get("labeller");
        if (labellerNode != null && !labellerNode.isNull()) {
            if (!labellerNode.isTextual()) {
                return schema("field 'labeller' must be a string or null, got " + SampleValidator.kind(labellerNode));
            }
            labeller = labellerNode.textValue();
        }
        if (id == null || id.isNull()) {
            return new Verdict.Rejected(DeadLetters.MISSING_ID, "field 'sampleId' is " + (id == null ? "missing" : "null"));
        }
        if (!labelNode.canConvertToInt()) {
            return new Verdict.Rejected(DeadLetters.LABEL_RANGE, SampleValidator.cut("label " + labelNode.asText()
                    + " is outside [0, " + classes + ")"));
        }
        return new Verdict.LabelAccepted(LabelFeedback.newBuilder()
                .setSampleId(id.textValue())
                .setSource(source)
                .setLabel(labelNode.intValue())
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setLabeller(labeller)
                .build());
    }

    private static Verdict schema(String detail) {
        return new Verdict.Rejected(DeadLetters.SCHEMA, SampleValidator.cut(detail));
    }

    private static Map<Long, Schema> writerSchemas() {
        Map<Long, Schema> schemas = new HashMap<>();
        for (Schema s : SchemaHistory.versions("LabelFeedback")) {
            schemas.put(SchemaNormalization.parsingFingerprint64(s), s);
        }
        schemas.put(SchemaNormalization.parsingFingerprint64(LabelFeedback.getClassSchema()),
                LabelFeedback.getClassSchema());
        return Map.copyOf(schemas);
    }
}
