package dev.mnemo.ingest.internals;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.jsonFeatures;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static dev.mnemo.ingest.SampleFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.v1.Sample;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleValidatorTest {

    private static final long TS = 1_700_000_000_000L;
    private final SampleValidator validator = new SampleValidator(IngestConfig.defaults().withFeatures(4)
            .withClasses(10).withMaxRecordBytes(1024));

    private Verdict check(byte[] value) {
        return validator.validate(value, TS);
    }

    private Verdict json(String text) {
        return check(utf8(text));
    }

    private static Verdict.Rejected rejected(String reason, String detail) {
        return new Verdict.Rejected(reason, detail);
    }

    @Test
    void acceptsAvro() {
        Sample s = sample("a1", 4, 3, 42L);
        Verdict v = check(avro(s));
        assertThat(v).isEqualTo(new Verdict.Accepted(s));
    }

    @Test
    void acceptsJsonWithDefaults() {
        Verdict v = json("{\"id\":\"j1\",\"features\":[0,0.5,1,0.25],\"extra\":{\"ignored\":true}}");
        Sample s = ((Verdict.Accepted) v).sample();
        assertThat(s.getId()).isEqualTo("j1");
        assertThat(s.getSource()).isEqualTo("unknown");
        assertThat(s.getEventTime()).isEqualTo(Instant.ofEpochMilli(TS));
        assertThat(s.getFeatures()).containsExactly(0f, 0.5f, 1f, 0.25f);
        assertThat(s.getLabel()).isNull();
        assertThat(s.getTask()).isNull();
        assertThat(s.getShape()).isEmpty();
    }

    @Test
    void acceptsJsonWithEveryField() {
        Verdict v = json("{\"id\":\"j2\",\"source\":\"cam\",\"task\":\"night\",\"eventTime\":123,\"shape\":[2,2],"
                + "\"features\":" + jsonFeatures(4) + ",\"label\":9}");
        Sample s = ((Verdict.Accepted) v).sample();
        assertThat(s.getSource()).isEqualTo("cam");
        assertThat(s.getTask()).isEqualTo("night");
        assertThat(s.getEventTime()).isEqualTo(Instant.ofEpochMilli(123));
        assertThat(s.getShape()).containsExactly(2, 2);
        assertThat(s.getLabel()).isEqualTo(9);
    }

    // ---- one test per reason ----

    @Test
    void undecodable() {
        assertThat(check(null)).isEqualTo(rejected(DeadLetters.UNDECODABLE, "value is null (a tombstone), expected a sample"));
        assertThat(check(new byte[0])).isEqualTo(rejected(DeadLetters.UNDECODABLE, "value is empty, expected a sample"));
        Verdict.Rejected garbage = (Verdict.Rejected) json("hello, not a sample");
        assertThat(garbage.reason()).isEqualTo(DeadLetters.UNDECODABLE);
        assertThat(garbage.detail()).startsWith("neither Avro nor valid JSON: Unrecognized token 'hello'")
                .endsWith("(line 1, column 7)");
        Verdict.Rejected two = (Verdict.Rejected) json("{\"id\":\"a\",\"features\":[1,2,3,4]} {}");
        assertThat(two.reason()).isEqualTo(DeadLetters.UNDECODABLE);
        assertThat(two.detail()).contains("Trailing token");
        byte[] full = avro(sample("a1", 4, 3, 42L));
        Verdict.Rejected cut = (Verdict.Rejected) check(java.util.Arrays.copyOf(full, full.length - 3));
        assertThat(cut.reason()).isEqualTo(DeadLetters.UNDECODABLE);
        assertThat(cut.detail()).startsWith("Avro body is malformed: ");
    }

    @Test
    void undecodableWhenAvroAnnouncesMoreItemsThanItHolds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(Sample.getClassSchema());
        out.writeBytes(ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array());
        out.writeBytes(new byte[] {2, 'a', 2, 's', 0});
        long count = 1_000_000_000L;
        long zigzag = count << 1;
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        assertThat(check(out.toByteArray())).isEqualTo(rejected(DeadLetters.UNDECODABLE,
                "Avro body is malformed: collection announces 1000000000 items but 0 bytes remain at byte 20"));
    }

    @Test
    void schemaWhenTheAvroWriterSchemaIsUnknown() {
        Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Sample\",\"namespace\":\"x.y\","
                + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");
        GenericRecord record = new GenericData.Record(other);
        record.put("id", "z");
        ByteBuffer encoded;
        try {
            encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other).encode(record);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Verdict.Rejected r = (Verdict.Rejected) check(bytes);
        assertThat(r.reason()).isEqualTo(DeadLetters.SCHEMA);
        assertThat(r.detail()).startsWith("Avro value written with an unknown schema (fingerprint ");
    }

    @Test
    void schemaWhenAJsonFieldHasTheWrongType() {
        assertThat(json("{\"id\":\"a\",\"features\":[1,2,3,4],\"label\":\"3\"}"))
                .isEqualTo(rejected(DeadLetters.SCHEMA, "field 'label' must be an integer or null, got string"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "[1,2]                                                      | expected a JSON object, got array",
        "{\"id\":5,\"features\":[1,2,3,4]}                          | field 'id' must be a string, got integer 5",
        "{\"id\":\"a\"}                                             | field 'features' is missing; expected an array of numbers",
        "{\"id\":\"a\",\"features\":\"1,2,3,4\"}                    | field 'features' must be an array of numbers, got string",
        "{\"id\":\"a\",\"features\":[1,2,null,4]}                   | features[2] must be a number, got null",
        "{\"id\":\"a\",\"features\":[1,2,\"3\",4]}                  | features[2] must be a number, got string",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"label\":3.5}        | field 'label' must be an integer or null, got number 3.5",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"source\":7}         | field 'source' must be a string, got integer 7",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"task\":1}           | field 'task' must be a string or null, got integer 1",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"eventTime\":\"now\"} | field 'eventTime' must be an integer (milliseconds since the epoch), got string",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"eventTime\":1.5}    | field 'eventTime' must be an integer (milliseconds since the epoch), got number 1.5",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"shape\":[2,\"2\"]}  | shape[1] must be an integer, got string",
        "{\"id\":\"a\",\"features\":[1,2,3,4],\"shape\":4}          | field 'shape' must be an array of integers, got integer 4",
    })
    void jsonFieldErrorsNameTheField(String text, String detail) {
        assertThat(json(text)).isEqualTo(rejected(DeadLetters.SCHEMA, detail));
    }

    @Test
    void missingId() {
        assertThat(json("{\"features\":[1,2,3,4],\"label\":1}"))
                .isEqualTo(rejected(DeadLetters.MISSING_ID, "field 'id' is missing"));
        assertThat(json("{\"id\":null,\"features\":[1,2,3,4]}"))
                .isEqualTo(rejected(DeadLetters.MISSING_ID, "field 'id' is null"));
        assertThat(check(avro(sample("  ", 4, 1, 0L))))
                .isEqualTo(rejected(DeadLetters.MISSING_ID, "field 'id' is blank"));
    }

    @Test
    void dimension() {
        assertThat(check(avro(sample("a", 3, 1, 0L))))
                .isEqualTo(rejected(DeadLetters.DIMENSION, "features has 3 values, expected 4"));
        assertThat(json("{\"id\":\"a\",\"features\":[1,2,3,4],\"shape\":[3,1]}"))
                .isEqualTo(rejected(DeadLetters.DIMENSION, "shape [3, 1] has 3 cells but features has 4 values"));
        assertThat(json("{\"id\":\"a\",\"features\":[1,2,3,4],\"shape\":[0,4]}"))
                .isEqualTo(rejected(DeadLetters.DIMENSION, "shape [0, 4] has a dimension below 1"));
    }

    @Test
    void nonFinite() {
        assertThat(json("{\"id\":\"a\",\"features\":[0,NaN,1,-Infinity]}"))
                .isEqualTo(rejected(DeadLetters.NON_FINITE, "features[1] is NaN (2 non-finite values in all)"));
        assertThat(json("{\"id\":\"a\",\"features\":[0,1e39,1,1]}"))
                .as("a number too large for a float overflows to infinity")
                .isEqualTo(rejected(DeadLetters.NON_FINITE, "features[1] is Infinity"));
        List<Float> values = new ArrayList<>(List.of(0f, 0f, 0f, Float.NEGATIVE_INFINITY));
        Sample s = sample("a", 4, 1, 0L);
        s.setFeatures(values);
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.NON_FINITE, "features[3] is -Infinity"));
    }

    @Test
    void acceptsPackedValuesAndChecksThemInPlace() {
        Sample bytes = sample("p1", 0, 3, 42L);
        bytes.setPacked(SampleFeatures.uint8(new byte[] {0, 1, (byte) 255, 7}, SampleFeatures.UNIT_PIXEL));
        bytes.setShape(List.of(2, 2));
        assertThat(check(avro(bytes))).isEqualTo(new Verdict.Accepted(bytes));
        assertThat(SampleValidator.isCurrentAvro(avro(bytes))).as("forwarded as it is").isTrue();
        Sample floats = sample("p2", 0, null, 42L);
        floats.setPacked(SampleFeatures.float32(new float[] {-1f, 0f, 3.5f, 1e20f}));
        assertThat(check(avro(floats))).isEqualTo(new Verdict.Accepted(floats));
    }

    @Test
    void rejectsBadPackedValues() {
        Sample s = sample("p", 0, 1, 0L);
        s.setPacked(SampleFeatures.float32(new float[] {0f, Float.NaN, 1f, 2f}));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.NON_FINITE, "packed[1] is NaN"));
        s.setPacked(SampleFeatures.float32(new float[3]));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.DIMENSION,
                "packed FLOAT32_LE data has 3 values, expected 4"));
        s.setPacked(SampleFeatures.uint8(new byte[5], SampleFeatures.UNIT_PIXEL));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.DIMENSION,
                "packed UINT8_SCALED data has 5 values, expected 4"));
        s.setPacked(SampleFeatures.uint8(new byte[4], 0f));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.SCHEMA,
                "packed.scale is 0.0, expected a finite value above 0"));
        s.setPacked(SampleFeatures.uint8(new byte[4], Float.POSITIVE_INFINITY));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.NON_FINITE,
                "packed.scale is Infinity, expected a finite value above 0"));
        s.setPacked(SampleFeatures.uint8(new byte[4], 1f));
        s.setShape(List.of(3));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.DIMENSION,
                "shape [3] has 3 cells but packed has 4 values"));
        s.setShape(List.of());
        s.setFeatures(List.of(1f, 2f, 3f, 4f));
        assertThat(check(avro(s))).isEqualTo(rejected(DeadLetters.SCHEMA,
                "both features (4 values) and packed are set; send the values in one of them"));
    }

    @Test
    void labelRange() {
        assertThat(check(avro(sample("a", 4, 10, 0L))))
                .isEqualTo(rejected(DeadLetters.LABEL_RANGE, "label 10 is outside [0, 10)"));
        assertThat(json("{\"id\":\"a\",\"features\":[1,2,3,4],\"label\":-1}"))
                .isEqualTo(rejected(DeadLetters.LABEL_RANGE, "label -1 is outside [0, 10)"));
        assertThat(json("{\"id\":\"a\",\"features\":[1,2,3,4],\"label\":99999999999}"))
                .isEqualTo(rejected(DeadLetters.LABEL_RANGE, "label 99999999999 is outside [0, 10)"));
    }

    @Test
    void tooLargeIsCheckedBeforeDecoding() {
        byte[] big = new byte[1025];
        java.util.Arrays.fill(big, (byte) '!');
        assertThat(check(big)).isEqualTo(rejected(DeadLetters.TOO_LARGE,
                "value is 1025 bytes, more than the limit of 1024"));
        assertThat(check(new byte[1024])).extracting(v -> ((Verdict.Rejected) v).reason())
                .isEqualTo(DeadLetters.UNDECODABLE);
    }

    @Test
    void longDetailsAreCut() {
        String id = "x".repeat(2000);
        Verdict.Rejected r = (Verdict.Rejected) json("{\"id\":\"a\",\"features\":[1,2,3,4],\"task\":[\"" + "y".repeat(900)
                + "\"]}");
        assertThat(r.detail()).isEqualTo("field 'task' must be a string or null, got array");
        assertThat(SampleValidator.cut(id)).hasSize(SampleValidator.MAX_DETAIL).endsWith("...");
    }
}
