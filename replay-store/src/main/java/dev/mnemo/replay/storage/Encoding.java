package dev.mnemo.replay.storage;

/**
 * How a buffer stores each feature value.
 *
 * <ul>
 *   <li>{@link #UINT8}: one byte per value, {@code round(v * 255)}, decoded as {@code b / 255}. Only for
 *       data in [0, 1] (pixel intensities); values outside [0, 1], and NaN, are rejected with
 *       {@link IllegalArgumentException}. The round-trip error is at most 1/510.
 *   <li>{@link #FLOAT16}: IEEE 754 binary16, two bytes per value, round to nearest even (relative error
 *       at most 2<sup>-11</sup> for normal values). Finite values beyond &plusmn;65504 are rejected since
 *       they would become infinite.
 *   <li>{@link #FLOAT32}: four bytes per value, exact.
 * </ul>
 *
 * <h2>Non-finite values</h2>
 * {@code FLOAT32} and {@code FLOAT16} store NaN and the infinities as they are; {@code UINT8} rejects them.
 */
public enum Encoding {
    UINT8(1),
    FLOAT16(2),
    FLOAT32(4);

    /** The scale of {@link #UINT8}: a stored byte b stands for {@code b / UINT8_SCALE}. */
    public static final float UINT8_SCALE = 255f;

    private final int bytesPerValue;

    Encoding(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    /** Bytes used to store one feature value. */
    public int bytesPerValue() {
        return bytesPerValue;
    }
}
