package dev.mnemo.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

class AvroSerdeTest {

    private final AvroSerde<Sample> serde = MnemoSerdes.sample();

    @Test
    void roundTripsASample() {
        Sample sample = Sample.newBuilder()
                .setId("a1").setSource("test").setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setFeatures(List.of(0.5f, 1.0f)).setLabel(3).setTask("1").build();

        byte[] bytes = serde.serialize("t", sample);

        assertThat(AvroSerde.looksLikeSingleObject(bytes)).isTrue();
        assertThat(serde.deserialize("t", bytes)).isEqualTo(sample);
    }

    @Test
    void nullIsATombstone() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void anUnknownWriterSchemaIsReportedAsSuch() {
        Schema other = SchemaBuilder.record("Sample").namespace("elsewhere").fields()
                .requiredString("id").endRecord();
        GenericRecord record = new GenericData.Record(other);
        record.put("id", "x");
        byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other), record);

        assertThatThrownBy(() -> serde.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown writer schema")
                .hasCauseInstanceOf(MissingSchemaException.class);
    }

    @Test
    void garbageIsASerializationException() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot decode Sample");
    }

    @Test
    void anOlderWriterWithFewerFieldsDecodesWithDefaults() {
        // A writer that predates the optional fields: id, eventTime and features only.
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"Sample","namespace":"dev.mnemo.schemas.v1","fields":[
                  {"name":"id","type":"string"},
                  {"name":"eventTime","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"features","type":{"type":"array","items":"float"}}]}""");
        GenericRecord record = new GenericData.Record(older);
        record.put("id", "old-1");
        record.put("eventTime", 42L);
        record.put("features", List.of(0.25f));
        byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older), record);

        AvroSerde<Sample> reader = AvroSerde.withExtraWriters(Sample.class, List.of(older));
        Sample decoded = reader.deserialize("t", bytes);

        assertThat(decoded.getId()).isEqualTo("old-1");
        assertThat(decoded.getSource()).isEqualTo("unknown");
        assertThat(decoded.getLabel()).isNull();
        assertThat(decoded.getShape()).isEmpty();
        assertThat(decoded.getFeatures()).containsExactly(0.25f);
    }

    @Test
    void aVersion1WriterIsReadWithItsFeatureList() {
        Schema v1 = SchemaHistory.versions("Sample").get(0);
        GenericRecord record = new GenericData.Record(v1);
        record.put("id", "v1-1");
        record.put("source", "old");
        record.put("eventTime", 42L);
        record.put("features", List.of(0.25f, 0.5f));
        record.put("shape", List.of());
        byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1), record);

        Sample decoded = serde.deserialize("t", bytes);

        assertThat(decoded.getFeatures()).containsExactly(0.25f, 0.5f);
        assertThat(decoded.getPacked()).isNull();
        assertThat(SampleFeatures.of(decoded)).containsExactly(0.25f, 0.5f);
    }

    @Test
    void aVersion1ReaderRejectsVersion2DataAsAnUnknownSchema() {
        // A reader that knows only version 1 does not know the version 2 fingerprint: it fails with
        // MissingSchemaException, which every Mnemo stage dead-letters with reason "schema".
        Schema v1 = SchemaHistory.versions("Sample").get(0);
        SchemaStore.Cache onlyV1 = new SchemaStore.Cache();
        onlyV1.addSchema(v1);
        BinaryMessageDecoder<GenericRecord> v1Reader = new BinaryMessageDecoder<>(GenericData.get(), v1, onlyV1);
        byte[] v2 = serde.serialize("t", Sample.newBuilder().setId("p").setEventTime(Instant.EPOCH)
                .setFeatures(List.of()).setPacked(SampleFeatures.pack(new float[] {0f, 1f})).build());

        assertThatThrownBy(() -> v1Reader.decode(v2)).isInstanceOf(MissingSchemaException.class);

        // Given the version 2 schema (from a registry, say), a version 1 reader resolves the record
        // but sees an empty feature list: a dimension rejection, never wrong values.
        onlyV1.addSchema(SchemaHistory.versions("Sample").get(1));
        GenericRecord resolved = decodeQuietly(v1Reader, v2);
        assertThat((List<?>) resolved.get("features")).isEmpty();
        assertThat(resolved.get("id").toString()).isEqualTo("p");
    }

    private static GenericRecord decodeQuietly(BinaryMessageDecoder<GenericRecord> decoder, byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyRecordTypeHasASerde() {
        Prediction p = Prediction.newBuilder().setSampleId("s").setEventTime(Instant.EPOCH)
                .setPredictedAt(Instant.EPOCH).setModelVersion(7).setPredictedClass(1)
                .setProbabilities(List.of(0.1f, 0.9f)).build();
        AvroSerde<Prediction> predictions = MnemoSerdes.prediction();
        assertThat(predictions.decode(predictions.encode(p))).isEqualTo(p);
    }

    private static byte[] toBytes(BinaryMessageEncoder<GenericRecord> encoder, GenericRecord record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
