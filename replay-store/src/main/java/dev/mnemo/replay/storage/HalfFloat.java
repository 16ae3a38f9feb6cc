package dev.mnemo.replay.storage;

/**
 * Conversion between {@code float} and IEEE 754 binary16 ("half precision") bit patterns.
 *
 * <p>Java 17 has no {@code Float.floatToFloat16}, so the conversion is done on the bits: the sign is
 * kept, the exponent is re-biased (127 to 15), and the 23-bit mantissa is rounded to 10 bits, to
 * nearest with ties to even. Magnitudes below 2<sup>-14</sup> become subnormal halves; magnitudes of
 * 65520 and above round to infinity; NaN stays NaN (quiet, with the top payload bits kept).
 * Decoding is exact and goes through a 65536-entry table.
 *
 * <p>Example: {@code toFloat(fromFloat(0.1f))} is {@code 0.099975586f}.
 *
 * <p>References: IEEE Std 754-2008, "IEEE Standard for Floating-Point Arithmetic", section 3.6
 * (binary16 interchange format), 2008.
 */
public final class HalfFloat {

    /** Largest finite half value. */
    public static final float MAX_VALUE = 65504f;

    private static final float[] DECODE = new float[1 << 16];

    static {
        for (int h = 0; h < DECODE.length; h++) {
            DECODE[h] = decodeBits(h);
        }
    }

    private HalfFloat() {
    }

    /** The half-precision bit pattern nearest to {@code f} (ties to even). */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fff_ffff;
        if (abs >= 0x7f80_0000) {
            // Infinity, or NaN: keep it a NaN even when the payload's top bits are all zero.
            return (short) (abs == 0x7f80_0000 ? sign | 0x7c00 : sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
        }
        if (abs >= 0x477f_f000) {
            return (short) (sign | 0x7c00); // 65520 and above: halfway to 2^16 or beyond
        }
        if (abs < 0x3880_0000) {
            int exp = abs >>> 23;
            if (exp < 102) {
                return (short) sign; // below 2^-25: rounds to zero
            }
            int mant = (abs & 0x7f_ffff) | 0x80_0000;
            int shift = 126 - exp;
            return (short) (sign | roundShift(mant, shift));
        }
        int half = (((abs >>> 23) - 112) << 10) | ((abs & 0x7f_ffff) >>> 13);
        int rem = abs & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is the correct result
        }
        return (short) (sign | half);
    }

    /** The exact {@code float} value of a half-precision bit pattern. */
    public static float toFloat(short half) {
        return DECODE[half & 0xffff];
    }

    private static int roundShift(int mant, int shift) {
        int q = mant >>> shift;
        int rem = mant & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rem > halfway || (rem == halfway && (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    private static float decodeBits(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
