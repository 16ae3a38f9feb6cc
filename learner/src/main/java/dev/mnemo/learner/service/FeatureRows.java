package dev.mnemo.learner.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the rows of a {@code POST /predict} body, {@code {"features": [[f, ...], ...]}}, straight
 * from its bytes: the same floats as Jackson's {@code List<float[]>} reader, bit for bit, in about a
 * third of its time. Any body of another shape is left to Jackson.
 *
 * <h2>Why</h2>
 * Reading the body was the largest cost of the endpoint: for 256 rows of 784 features (1 MB of
 * JSON), Jackson took three times as long as the prediction. Its tokenizer copies every number's
 * text into a buffer and then a new {@code String}, and {@code Float.parseFloat}'s general
 * algorithm is slow for the short decimals clients send.
 *
 * <h2>Method</h2>
 * One pass over the bytes accepts exactly one shape: an object whose only key is
 * {@code "features"}, holding an array of arrays of JSON numbers, with any JSON whitespace between
 * the tokens. Anything else (another key, a null, a string, an escape in the key, a number JSON does
 * not allow such as {@code 01} or {@code NaN}, text after the object) makes {@link #read} answer
 * null, and the caller reads the body with Jackson, which gives the result or the error it always
 * gave.
 *
 * <p>Numbers are converted as Jackson converts them for a {@code float}. An integer is the nearest
 * float to its value, as Java's {@code (float)} of a {@code long} is (so {@code -0} is
 * {@code 0.0}). A decimal is the correctly rounded float, as {@code Float.parseFloat} gives: with at
 * most 15 significant digits it is {@code m * 10^e} with {@code m < 2^53}; when {@code |e| <= 22},
 * {@code m} and {@code 10^|e|} are exact doubles, so one double multiplication or division rounds
 * it correctly to a double (the classic fast path; see References). Rounding that double to a
 * float gives the correctly rounded float except when the double lies exactly halfway between two
 * floats: rounding to the nearest double is monotonic and every such midpoint is a double, so the
 * two roundings can only disagree there. Midpoints, longer decimals and larger exponents go to
 * {@code Float.parseFloat}. The fast path never meets a subnormal or infinite float: its values lie
 * between {@code 1e-22} and {@code 1e37}.
 *
 * <pre>{@code
 * FeatureRows.read("{\"features\": [[0.5, 1], []]}".getBytes(UTF_8));    // [[0.5f, 1.0f], []]
 * FeatureRows.read("{\"features\": [[0.5]], \"id\": 7}".getBytes(UTF_8)); // null: for Jackson
 * }</pre>
 *
 * <h2>References</h2>
 * W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990.
 */
final class FeatureRows {

    private static final byte[] KEY = "\"features\"".getBytes(StandardCharsets.US_ASCII);
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    };
    /** Significant digits of a decimal whose integer is an exact double (below 2^53). */
    private static final int MAX_DECIMAL_DIGITS = 15;
    /** Digits of an integer that always fits a long. */
    private static final int MAX_INTEGER_DIGITS = 18;
    /** The 29 bits a double keeps beyond a float's 24, when they are exactly one half. */
    private static final long DROPPED_BITS = (1L << 29) - 1;
    private static final long HALF = 1L << 28;

    private final byte[] b;
    private int pos;

    private FeatureRows(byte[] body) {
        this.b = body;
    }

    /**
     * The rows of a body of the shape {@code {"features": [[f, ...], ...]}}.
     *
     * @param body the request body, UTF-8
     * @return the rows, each row as long as its array; null if the body has any other shape, or is
     *     not valid JSON (then Jackson decides)
     */
    static List<float[]> read(byte[] body) {
        return new FeatureRows(body).rows();
    }

    private List<float[]> rows() {
        if (!take('{')) {
            return null;
        }
        skipWhitespace();
        if (pos + KEY.length > b.length || !Arrays.equals(b, pos, pos + KEY.length, KEY, 0, KEY.length)) {
            return null;
        }
        pos += KEY.length;
        if (!take(':') || !take('[')) {
            return null;
        }
        List<float[]> rows = new ArrayList<>();
        float[] row = new float[64];
        if (!take(']')) {
            do {
                if (!take('[')) {
                    return null;
                }
                int n = 0;
                if (!take(']')) {
                    do {
                        skipWhitespace();
                        float value = number();
                        if (Float.isNaN(value)) {
                            return null;
                        }
                        if (n == row.length) {
                            row = Arrays.copyOf(row, 2 * n);
                        }
                        row[n++] = value;
                    } while (take(','));
                    if (!take(']')) {
                        return null;
                    }
                }
                rows.add(Arrays.copyOf(row, n));
            } while (take(','));
            if (!take(']')) {
                return null;
            }
        }
        if (!take('}')) {
            return null;
        }
        skipWhitespace();
        return pos == b.length ? rows : null;
    }

    /** Skips whitespace, then consumes {@code c} if it comes next. */
    private boolean take(char c) {
        skipWhitespace();
        if (pos < b.length && b[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipWhitespace() {
        while (pos < b.length) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    /** The JSON number at {@code pos} as Jackson reads it into a float, or NaN if there is none. */
    private float number() {
        int start = pos;
        boolean negative = pos < b.length && b[pos] == '-';
        if (negative) {
            pos++;
        }
        long m = 0;
        int digits = 0;
        if (pos < b.length && b[pos] == '0') {
            pos++;
        } else if (pos < b.length && isDigit(b[pos])) {
            while (pos < b.length && isDigit(b[pos])) {
                m = m * 10 + (b[pos++] - '0');   // overflows only beyond 18 digits, refused below
                digits++;
            }
        } else {
            return Float.NaN;
        }
        if (pos < b.length && isDigit(b[pos])) {
            return Float.NaN;   // a leading zero, which JSON does not allow
        }
        boolean integer = true;
        int scale = 0;
        if (pos < b.length && b[pos] == '.') {
            integer = false;
            pos++;
            int from = pos;
            while (pos < b.length && isDigit(b[pos])) {
                int d = b[pos++] - '0';
                if (m != 0 || d != 0) {
                    digits++;
                }
                m = m * 10 + d;
                scale++;
            }
            if (pos == from) {
                return Float.NaN;
            }
        }
        int exponent = 0;
        if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
            integer = false;
            pos++;
            boolean negativeExponent = pos < b.length && b[pos] == '-';
            if (pos < b.length && (b[pos] == '-' || b[pos] == '+')) {
                pos++;
            }
            int from = pos;
            while (pos < b.length && isDigit(b[pos])) {
                if (exponent < 10_000) {
                    exponent = exponent * 10 + (b[pos] - '0');
                }
                pos++;
            }
            if (pos == from) {
                return Float.NaN;
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (integer) {
            // Jackson reads an integer token as an int or a long, then casts: -0 is 0.0.
            if (digits <= MAX_INTEGER_DIGITS) {
                return negative ? (float) -m : (float) m;
            }
            return Float.parseFloat(new String(b, start, pos - start, StandardCharsets.ISO_8859_1));
        }
        float f = decimal(m, digits, exponent - scale);
        if (Float.isNaN(f)) {
            return Float.parseFloat(new String(b, start, pos - start, StandardCharsets.ISO_8859_1));
        }
        return negative ? -f : f;
    }

    /** {@code m * 10^e} correctly rounded to a float by the fast path, or NaN where it does not apply. */
    static float decimal(long m, int digits, int e) {
        if (digits > MAX_DECIMAL_DIGITS) {
            return Float.NaN;   // m may have overflowed
        }
        if (m == 0) {
            return 0f;
        }
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
        return (float) v;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
