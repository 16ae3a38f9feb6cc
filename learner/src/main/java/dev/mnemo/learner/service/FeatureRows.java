package dev.mnemo.learner.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

/**
 * Reads the {@code features} of a {@code POST /predict} body, {@code [[f, ...], ...]}, into float
 * rows: the same values as Jackson's own {@code List<float[]>} reader, bit for bit, in about half
 * the time.
 *
 * <h2>Why</h2>
 * Parsing the numbers was the largest cost of the endpoint: for 256 rows of 784 features
 * (1 MB of JSON), Jackson's reader took about as long as the rest of the request, the prediction
 * included, three times over. It copies every number's text into a new {@code String} and hands
 * it to {@code Float.parseFloat}, whose general algorithm is slow for the short decimals that
 * clients send.
 *
 * <h2>Method</h2>
 * A decimal with at most 15 significant digits is {@code m * 10^e} with {@code m < 2^53}. When
 * {@code |e| <= 22}, {@code m} and {@code 10^|e|} are exact doubles, so one double multiplication
 * or division rounds the value correctly to a double (the fast path of Clinger). Rounding that
 * double to a float gives the correctly rounded float, as {@code Float.parseFloat} does, except
 * when the double lies exactly halfway between two floats: rounding to the nearest double is
 * monotonic and every such midpoint is a double, so the two roundings can only disagree there.
 * Midpoints, longer decimals and larger exponents go to Jackson's own parsing, and so does every
 * token that is not a decimal number (integers, strings, nulls, nested arrays), with Jackson's
 * coercions and errors. The fast path never sees a subnormal or an infinite float: its values lie
 * between {@code 1e-22} and {@code 1e37}.
 *
 * <h2>References</h2>
 * W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990.
 */
final class FeatureRows extends StdDeserializer<List<float[]>> {

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    };
    /** Significant digits whose integer is an exact double (below 2^53). */
    private static final int MAX_DIGITS = 15;
    /** The 29 bits a double keeps beyond a float's 24, when they are exactly one half. */
    private static final long DROPPED_BITS = (1L << 29) - 1;
    private static final long HALF = 1L << 28;

    FeatureRows() {
        super(List.class);
    }

    @Override
    public List<float[]> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartArrayToken()) {
            @SuppressWarnings("unchecked")
            List<float[]> asJacksonReadsIt = (List<float[]>) jacksonRows(ctxt).deserialize(p, ctxt);
            return asJacksonReadsIt;
        }
        List<float[]> rows = new ArrayList<>();
        float[] row = new float[64];
        for (JsonToken t = next(p, ctxt); t != JsonToken.END_ARRAY; t = next(p, ctxt)) {
            if (t == JsonToken.START_ARRAY) {
                int n = 0;
                for (JsonToken v = next(p, ctxt); v != JsonToken.END_ARRAY; v = next(p, ctxt)) {
                    if (n == row.length) {
                        row = Arrays.copyOf(row, 2 * n);
                    }
                    row[n++] = v == JsonToken.VALUE_NUMBER_FLOAT ? decimal(p) : _parseFloatPrimitive(p, ctxt);
                }
                rows.add(Arrays.copyOf(row, n));
            } else if (t == JsonToken.VALUE_NULL) {
                rows.add(null);
            } else {
                rows.add((float[]) jacksonRow(ctxt).deserialize(p, ctxt));
            }
        }
        return rows;
    }

    private JsonToken next(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            ctxt.reportInputMismatch(this, "unexpected end of input inside the features array");
        }
        return t;
    }

    /** The current decimal token as Jackson would read it, by the fast path where it applies. */
    private static float decimal(JsonParser p) throws IOException {
        float f = parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        return Float.isNaN(f) ? p.getFloatValue() : f;
    }

    /**
     * The correctly rounded float of a JSON number, or NaN where the fast path does not apply (the
     * caller then parses it the slow way; NaN is not a JSON number).
     */
    static float parse(char[] text, int offset, int length) {
        int i = offset;
        int end = offset + length;
        boolean negative = i < end && text[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int digits = 0;
        int scale = 0;
        boolean any = false;
        for (; i < end; i++) {
            int d = text[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            any = true;
            if (m != 0 || d != 0) {
                digits++;
            }
            m = m * 10 + d;   // overflows only beyond 18 digits, which are refused below
        }
        if (i < end && text[i] == '.') {
            for (i++; i < end; i++) {
                int d = text[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                any = true;
                if (m != 0 || d != 0) {
                    digits++;
                }
                m = m * 10 + d;
                scale++;
            }
        }
        int exponent = 0;
        if (i < end && (text[i] == 'e' || text[i] == 'E')) {
            i++;
            boolean negativeExponent = i < end && text[i] == '-';
            if (i < end && (text[i] == '-' || text[i] == '+')) {
                i++;
            }
            int start = i;
            for (; i < end; i++) {
                int d = text[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                if (exponent < 10_000) {
                    exponent = exponent * 10 + d;
                }
            }
            if (i == start) {
                return Float.NaN;
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (!any || i != end || digits > MAX_DIGITS) {
            return Float.NaN;
        }
        if (m == 0) {
            return negative ? -0f : 0f;
        }
        int e = exponent - scale;
        double v;
        if (e == 0) {
            v = m;
        } else if (e < 0 && e >= -22) {
            v = m / POWERS_OF_TEN[-e];
        } else if (e > 0 && e <= 22) {
            v = m * POWERS_OF_TEN[e];
        } else {
            return Float.NaN;
        }
        if ((Double.doubleToRawLongBits(v) & DROPPED_BITS) == HALF) {
            return Float.NaN;
        }
        float f = (float) v;
        return negative ? -f : f;
    }

    private static JsonDeserializer<Object> jacksonRows(DeserializationContext ctxt) throws IOException {
        JavaType type = ctxt.getTypeFactory().constructCollectionType(List.class, float[].class);
        return ctxt.findRootValueDeserializer(type);
    }

    private static JsonDeserializer<Object> jacksonRow(DeserializationContext ctxt) throws IOException {
        return ctxt.findRootValueDeserializer(ctxt.constructType(float[].class));
    }
}
