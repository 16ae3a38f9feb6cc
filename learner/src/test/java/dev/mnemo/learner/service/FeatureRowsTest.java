package dev.mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import jakarta.ws.rs.WebApplicationException;

/**
 * {@link FeatureRows} and {@link PredictRequestReader} give what Jackson gives, bit for bit: the
 * fast path against {@code Float.parseFloat}, and whole bodies against Jackson's own reading.
 */
class FeatureRowsTest {

    /** As the service's mapper reads (Quarkus turns FAIL_ON_UNKNOWN_PROPERTIES off). */
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final PredictRequestReader READER = new PredictRequestReader(JACKSON);

    @Test
    void theFastPathRoundsAsFloatParseFloatDoes() {
        SplittableRandom random = new SplittableRandom(11L);
        int fast = 0;
        for (int k = 0; k < 400_000; k++) {
            int digits = 1 + random.nextInt(15);
            long m = random.nextLong(1, (long) Math.pow(10, digits));
            int e = random.nextInt(51) - 25;
            float f = FeatureRows.decimal(m, Long.toString(m).length(), e);
            if (!Float.isNaN(f)) {
                fast++;
                float expected = Float.parseFloat(m + "E" + e);
                assertThat(Float.floatToRawIntBits(f)).as("%dE%d", m, e).isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
        assertThat(fast).as("decimals the fast path took").isGreaterThan(300_000);
        assertThat(FeatureRows.decimal(1, 1, 23)).isNaN();
        assertThat(FeatureRows.decimal(1, 1, -23)).isNaN();
        assertThat(FeatureRows.decimal(1234567890123456L, 16, -3)).isNaN();
    }

    @Test
    void decimalsWhoseDoubleIsAFloatMidpointAreLeftToTheSlowPath() {
        // A 15-digit decimal near the midpoint of two floats can round to that midpoint as a double;
        // rounding the double to float again would then round it the wrong way half of the time.
        SplittableRandom random = new SplittableRandom(3L);
        int found = 0;
        for (int k = 0; k < 400_000 && found < 50; k++) {
            float f = Float.intBitsToFloat(0x0080_0000 + random.nextInt(0x7e00_0000));
            double midpoint = ((double) f + (double) Math.nextUp(f)) / 2;
            BigDecimal near = new BigDecimal(midpoint).round(new MathContext(15));
            if (Double.parseDouble(near.toString()) == midpoint && near.compareTo(new BigDecimal(midpoint)) != 0) {
                found++;
                long m = near.unscaledValue().longValueExact();
                assertThat(FeatureRows.decimal(m, Long.toString(Math.abs(m)).length(), -near.scale()))
                        .as("%s, whose double is a float midpoint", near).isNaN();
                assertThat(readOne(near.toString())).as(near.toString()).isEqualTo(Float.parseFloat(near.toString()));
            }
        }
        assertThat(found).as("15-digit decimals whose double is a float midpoint").isPositive();
    }

    @Test
    void bodiesOfTheDocumentedShapeReadAsJacksonReadsThem() throws Exception {
        SplittableRandom random = new SplittableRandom(5L);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            float[] row = new float[300];
            for (int j = 0; j < row.length; j++) {
                row[j] = switch (j % 5) {
                    case 0 -> 0f;
                    case 1 -> random.nextInt(256) / 255f;
                    case 2 -> (float) random.nextGaussian() * 1000;
                    case 3 -> random.nextInt(256);
                    default -> finite(random);
                };
            }
            rows.add(row);
        }
        PredictResource.PredictRequest request = new PredictResource.PredictRequest(rows);
        String compact = JACKSON.writeValueAsString(request);
        String indented = JACKSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(request);
        for (String body : List.of(compact, indented, " \r\n\t" + compact + "\n ")) {
            assertThat(FeatureRows.read(bytes(body))).as("the fast reader takes it").isNotNull();
            sameAsJackson(body);
        }
        assertThat(FeatureRows.read(bytes(compact)).toArray(new float[0][])).isDeepEqualTo(rows.toArray(new float[0][]));
        // Integers (as Jackson casts them: -0 is 0.0), odd decimals, empty rows, no rows.
        for (String body : List.of(
                "{\"features\":[[0,1,-2,-0,16777217,123456789012345678,1234567890123456789012,-9223372036854775809]]}",
                "{\"features\":[[0.0,-0.0,1e2,1E+2,2.5E-3,1.0E39,-1.0E39,7.0E-46,1.4E-45,3.4028235E38,3.4028236E38]]}",
                "{\"features\":[[1.00000005960464477539062499,0.1000000000000000055511151231257827,0.000000000000000000000001]]}",
                "{ \"features\" : [ [ ] , [ 1.5 ] , [ 2.5 , 3 ] ] }",
                "{\"features\":[]}",
                "{\"features\":[[" + "1.25,".repeat(5000) + "7]]}")) {
            assertThat(FeatureRows.read(bytes(body))).as(body).isNotNull();
            sameAsJackson(body);
        }
    }

    @Test
    void otherBodiesAreLeftToJackson() throws Exception {
        for (String body : List.of(
                "{\"features\":[[\"0.5\",\"NaN\",null,1.5]]}",
                "{\"features\":[[1.5],null]}",
                "{\"features\":null}",
                "{}",
                "{\"features\":[[1.5]],\"id\":\"a\"}",
                "{\"id\":7,\"features\":[[1.5]]}",
                "{\"\\u0066eatures\":[[1.5]]}",
                "{\"features\":[[1.5]]}{\"features\":[[2.5]]}",
                "\uFEFF{\"features\":[[1.5]]}",
                "   ")) {
            assertThat(FeatureRows.read(bytes(body))).as(body).isNull();
            sameAsJackson(body);
        }
        assertThat(READER.read(new byte[0])).isNull();
        assertThat(READER.read(bytes(" \n"))).isNull();
        // Malformed: Jackson's error, as Quarkus's own reader gives it (parse errors are 400).
        for (String bad : List.of("{\"features\":5}", "{\"features\":[5]}", "{\"features\":[[1,[2]]]}",
                "{\"features\":[[1,{}]]}", "{\"features\":[[true]]}", "{\"features\":[[01]]}", "{\"features\":[[1.]]}",
                "{\"features\":[[.5]]}", "{\"features\":[[+1]]}", "{\"features\":[[NaN]]}", "{\"features\":[[1e]]}",
                "{\"features\":[[-]]}", "{\"features\":[[1,2]", "{\"features\":[[1 2]]}", "{\"features\":[[1,]]}", "{")) {
            assertThat(FeatureRows.read(bytes(bad))).as(bad).isNull();
            Throwable jackson = catchThrowable(() -> JACKSON.readValue(bytes(bad), PredictResource.PredictRequest.class));
            Throwable reader = catchThrowable(() -> READER.read(bytes(bad)));
            assertThat(jackson).as("Jackson on %s", bad).isNotNull();
            if (reader instanceof WebApplicationException wae) {
                assertThat(wae.getResponse().getStatus()).isEqualTo(400);
                assertThat(wae.getCause()).as(bad).isInstanceOf(jackson.getClass());
            } else {
                assertThat(reader).as(bad).isInstanceOf(jackson.getClass());
            }
        }
    }

    private static float readOne(String number) {
        return FeatureRows.read(bytes("{\"features\":[[" + number + "]]}")).get(0)[0];
    }

    private static void sameAsJackson(String body) throws Exception {
        // From bytes, as the server reads (a byte-order mark is understood there); a blank body is null.
        PredictResource.PredictRequest expected = body.isBlank() ? null
                : JACKSON.readValue(bytes(body), PredictResource.PredictRequest.class);
        PredictResource.PredictRequest actual = READER.read(bytes(body));
        if (expected == null || expected.features() == null) {
            assertThat(actual == null || actual.features() == null).as(body).isTrue();
            return;
        }
        assertThat(actual.features()).as(body).hasSameSizeAs(expected.features());
        for (int i = 0; i < expected.features().size(); i++) {
            float[] e = expected.features().get(i);
            float[] a = actual.features().get(i);
            if (e == null) {
                assertThat(a).as("%s row %d", body, i).isNull();
                continue;
            }
            assertThat(a).as("%s row %d", body, i).hasSameSizeAs(e);
            for (int j = 0; j < e.length; j++) {
                assertThat(Float.floatToRawIntBits(a[j])).as("%s row %d value %d: %s vs %s", body, i, j, a[j], e[j])
                        .isEqualTo(Float.floatToRawIntBits(e[j]));
            }
        }
    }

    private static float finite(SplittableRandom random) {
        float f;
        do {
            f = Float.intBitsToFloat(random.nextInt());
        } while (!Float.isFinite(f));
        return f;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
