package dev.mnemo.ingest.internals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.mnemo.schemas.serde.AvroSerde;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The fields of a sample that routing needs: id, source and label.
 *
 * <p>Routing reads every valid sample from the repartition topic; decoding all of it would box
 * every feature (784 for MNIST) into a list only to read three small fields. {@link Reader} reads
 * the canonical Avro form with a projection of the current schema that has only these three
 * fields, so Avro skips the features without building them. A value in any other form is decoded
 * in full.
 *
 * @param id     the sample id
 * @param source the source
 * @param label  the label, or null
 */
record SampleHead(String id, String source, Integer label) {

    /** Reads heads; not thread-safe (one per processor). */
    static final class Reader {

        private static final Schema CURRENT = Sample.getClassSchema();
        private static final long CURRENT_FINGERPRINT = SchemaNormalization.parsingFingerprint64(CURRENT);
        private static final Schema PROJECTION = projection();

        private final GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(CURRENT, PROJECTION);
        private BinaryDecoder decoder;
        private GenericRecord reuse;

        SampleHead read(byte[] value) {
            if (!AvroSerde.looksLikeSingleObject(value) || value.length < 10 || fingerprint(value) != CURRENT_FINGERPRINT) {
                Sample s = MnemoSerdes.sample().decode(value);
                return new SampleHead(s.getId(), s.getSource(), s.getLabel());
            }
            decoder = DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, decoder);
            try {
                reuse = reader.read(reuse, decoder);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the sample head", e);
            }
            Object label = reuse.get("label");
            return new SampleHead(reuse.get("id").toString(), reuse.get("source").toString(), (Integer) label);
        }

        private static long fingerprint(byte[] value) {
            long fingerprint = 0;
            for (int i = 0; i < 8; i++) {
                fingerprint |= (value[2 + i] & 0xFFL) << (8 * i);
            }
            return fingerprint;
        }

        private static Schema projection() {
            List<Schema.Field> fields = new ArrayList<>();
            for (String name : List.of("id", "source", "label")) {
                Schema.Field f = CURRENT.getField(name);
                fields.add(new Schema.Field(f, f.schema()));
            }
            return Schema.createRecord(CURRENT.getName(), CURRENT.getDoc(), CURRENT.getNamespace(), false, fields);
        }
    }
}
