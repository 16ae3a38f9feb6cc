package dev.mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * {@link FeatureRows} gives what Jackson's own reader gives, bit for bit: its fast path against
 * {@code Float.parseFloat} on every kind of decimal, and whole bodies against a mapper that ignores
 * the annotation (Jackson's own {@code List<float[]>} reader).
 */
class FeatureRowsTest {

    /** As the service's mapper reads (Quarkus turns FAIL_ON_UNKNOWN_PROPERTIES off). */
    private static final ObjectMapper SERVICE = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).disable(MapperFeature.USE_ANNOTATIONS).build();

    @Test
    void theFastPathRoundsAsFloatParseFloatDoes() {
        SplittableRandom random = new SplittableRandom(11L);
        int fast = 0;
        // Every kind of float as Java and Jackson print it (the shortest decimals), subnormals included.
        for (int k = 0; k < 200_000; k++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                fast += agrees(Float.toString(f)) ? 1 : 0;
            }
        }
        // Pixels scaled to [0, 1], as the ingest module sends them.
        for (int k = 0; k <= 255; k++) {
            fast += agrees(Float.toString(k / 255f)) ? 1 : 0;
            fast += agrees(Double.toString(k / 255.0)) ? 1 : 0;
        }
        // Random decimals: 1 to 18 digits, the point anywhere, exponents from -40 to 40.
        for (int k = 0; k < 200_000; k++) {
            StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : "");
            int digits = 1 + random.nextInt(18);
            int point = random.nextInt(digits + 1);
            for (int d = 0; d < digits; d++) {
                if (d == point && d > 0) {
                    s.append('.');
                }
                s.append(d == 0 && digits > 1 && point != 1 ? 1 + random.nextInt(9) : random.nextInt(10));
            }
            if (random.nextInt(3) == 0) {
                s.append(random.nextBoolean() ? 'E' : 'e').append(random.nextInt(81) - 40);
            }
            fast += agrees(s.toString()) ? 1 : 0;
        }
        assertThat(fast).as("decimals the fast path took").isGreaterThan(150_000);
    }

    @Test
    void decimalsWhoseDoubleIsAFloatMidpointAreLeftToTheSlowPath() {
        // A 15-digit decimal near the midpoint of two floats can round to that midpoint as a double;
        // rounding the double to float again would then round it the wrong way half of the time.
        SplittableRandom random = new SplittableRandom(3L);
        int found = 0;
        for (int k = 0; k < 400_000 && found < 50; k++) {
            float f = Float.intBitsToFloat(0x0080_0000 + random.nextInt(0x7e00_0000));   // normal, below ~1e37
            double midpoint = ((double) f + (double) Math.nextUp(f)) / 2;
            String near = new BigDecimal(midpoint).round(new MathContext(15)).toString();
            if (Double.parseDouble(near) == midpoint && new BigDecimal(near).compareTo(new BigDecimal(midpoint)) != 0) {
                found++;
                agrees(near);
            }
        }
        assertThat(found).as("15-digit decimals whose double is a float midpoint").isPositive();
        // Exact midpoints, in both rounding directions (ties to even).
        assertThat(agrees("1.000000059604644775390625")).isFalse();   // beyond 15 digits: slow path
        agrees("16777217");
        agrees("16777217.0");
        agrees("3.4028235677973366E38");
    }

    @Test
    void signsZerosAndOddShapes() {
        for (String s : List.of("0.0", "-0.0", "0", "-0", "0e0", "-0.0E-5", "1", "1.0", "1.5e3", "1.5E+3", "1E22", "1E23",
                "1e-22", "1e-23", "123456789012345.0", "1234567890123456", "0.000000000000000000001", "3.4028235E38",
                "3.4028236E38", "1.0E39", "1.4E-45", "7.0E-46", "1.17549435E-38", "100000000000000000000000000")) {
            agrees(s);
        }
        assertThat(Float.floatToRawIntBits(parse("-0.0"))).isEqualTo(Float.floatToRawIntBits(-0f));
        for (String notANumber : List.of("", "-", "e5", "1e", "1e+", "1x", "--1", "NaN", "Infinity")) {
            assertThat(parse(notANumber)).as(notANumber).isNaN();
        }
    }

    @Test
    void readsWhatJacksonReads() throws Exception {
        SplittableRandom random = new SplittableRandom(5L);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            float[] row = new float[300];
            for (int j = 0; j < row.length; j++) {
                row[j] = switch (j % 4) {
                    case 0 -> 0f;
                    case 1 -> random.nextInt(256) / 255f;
                    case 2 -> (float) random.nextGaussian() * 1000;
                    default -> finite(random) % 1e30f;
                };
            }
            rows.add(row);
        }
        String body = SERVICE.writeValueAsString(new PredictResource.PredictRequest(rows));
        sameAsJackson(body);
        assertThat(read(SERVICE, body).features().toArray(new float[0][])).isDeepEqualTo(rows.toArray(new float[0][]));
        sameAsJackson("{\"features\":[[0,1,-2,16777217,1e2,0.5],[\"0.5\",\"NaN\",null,2.5E-3,-0.0,1.0E39]]}");
        sameAsJackson("{\"features\":[[],[1.5],null,[2.5,3]],\"unknown\":{\"a\":[1,2]}}");
        sameAsJackson("{\"features\":[[" + "1.25,".repeat(5000) + "7]]}");
        sameAsJackson("{\"features\":null}");
        sameAsJackson("{}");
        sameAsJackson("{\"features\":[]}");
        for (String bad : List.of("{\"features\":5}", "{\"features\":[5]}", "{\"features\":[[1,[2]]]}",
                "{\"features\":[[1,{}]]}", "{\"features\":[[1,2]", "{\"features\":[[true]]}")) {
            Throwable jackson = catchThrowable(() -> read(JACKSON, bad));
            Throwable service = catchThrowable(() -> read(SERVICE, bad));
            assertThat(jackson).as("Jackson on %s", bad).isNotNull();
            assertThat(service).as("FeatureRows on %s", bad).isInstanceOf(jackson.getClass());
        }
        assertThatThrownBy(() -> read(SERVICE, "{\"features\":[[1,2]")).hasMessageContaining("end");
    }

    private static float finite(SplittableRandom random) {
        float f;
        do {
            f = Float.intBitsToFloat(random.nextInt());
        } while (!Float.isFinite(f));
        return f;
    }

    private static boolean agrees(String decimal) {
        float fast = parse(decimal);
        if (Float.isNaN(fast)) {
            return false;
        }
        assertThat(Float.floatToRawIntBits(fast)).as("%s: fast path %s, Float.parseFloat %s", decimal, fast,
                Float.parseFloat(decimal)).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(decimal)));
        return true;
    }

    private static float parse(String s) {
        char[] padded = ("[" + s + "]").toCharArray();
        return FeatureRows.parse(padded, 1, s.length());
    }

    private static void sameAsJackson(String body) throws Exception {
        PredictResource.PredictRequest expected = read(JACKSON, body);
        PredictResource.PredictRequest actual = read(SERVICE, body);
        if (expected.features() == null) {
            assertThat(actual.features()).as(body).isNull();
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

    private static PredictResource.PredictRequest read(ObjectMapper mapper, String body) throws Exception {
        return mapper.readValue(body, PredictResource.PredictRequest.class);
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }
}
