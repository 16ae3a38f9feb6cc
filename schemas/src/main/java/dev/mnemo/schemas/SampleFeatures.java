package dev.mnemo.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

import dev.mnemo.schemas.v1.FeatureEncoding;
import dev.mnemo.schemas.v1.PackedFeatures;
import dev.mnemo.schemas.v1.Sample;

/**
 * The one way to read and write the input values of a {@link Sample}, whichever form they take.
 *
 * <p>A sample carries its values either in {@code features} (an Avro array of floats, the only form
 * of schema version 1 and the form of JSON input) or, since version 2, in {@code packed}: a
 * {@link PackedFeatures} with the values as bytes, either {@link FeatureEncoding#FLOAT32_LE} (4
 * bytes per value) or {@link FeatureEncoding#UINT8_SCALED} (1 byte per value q, the value being
 * {@code q * scale}). An MNIST image is 3,136 bytes as a float array, 3,136 as FLOAT32_LE and
 * 784 as UINT8_SCALED with scale 1/255; the packed forms are read without decoding each value.
 *
 * <pre>{@code
 * Sample s = Sample.newBuilder().setId("img-1").setEventTime(now)
 *         .setFeatures(List.of()).setPacked(SampleFeatures.pack(pixels)).build();
 * Problem p = SampleFeatures.check(s, 784);   // null when usable
 * float[] x = SampleFeatures.of(s);           // the values, whatever the encoding
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 *
 * <p>References: IEEE Computer Society, "IEEE Standard for Floating-Point Arithmetic", IEEE Std
 * 754-2019 (binary32: a value is NaN or infinite exactly when its 8 exponent bits are all ones);
 * The Apache Software Foundation, "Apache Avro Specification", sections "Binary Encoding" and
 * "Single-object encoding".
 */
public final class SampleFeatures {

    /**
     * The scale of 8-bit pixels mapped to [0, 1]: 1/255. With this scale a byte q reads as
     * {@code q / 255f} (the float nearest to q/255, as image loaders compute it), so such images
     * round-trip exactly; with any other scale it reads as {@code q * scale}.
     */
    public static final float UNIT_PIXEL = 1f / 255f;

    private static final float[] PIXELS = new float[256];

    static {
        for (int q = 0; q < PIXELS.length; q++) {
            PIXELS[q] = q / 255f;
        }
    }

    private SampleFeatures() {
    }

    /**
     * Why a sample's values cannot be used.
     *
     * @param reason one of the {@link DeadLetters} reasons: {@code schema}, {@code dimension} or {@code non-finite}
     * @param detail what is wrong, naming the field and the value
     */
    public record Problem(String reason, String detail) {
    }

    /**
     * Checks the values of a sample without copying or boxing them.
     *
     * <ul>
     *   <li>{@code schema}: both {@code features} and {@code packed} hold values, or a UINT8_SCALED
     *       scale is zero or negative;</li>
     *   <li>{@code dimension}: FLOAT32_LE data whose length is not a multiple of 4, or a number of
     *       values other than {@code expected};</li>
     *   <li>{@code non-finite}: a value, or a UINT8_SCALED scale, is NaN or infinite.</li>
     * </ul>
     *
     * @param expected the number of values required, or a negative number to accept any
     * @return null when the values are usable, else the first problem
     */
    public static Problem check(Sample sample, int expected) {
        PackedFeatures packed = sample.getPacked();
        List<Float> list = sample.getFeatures();
        if (packed == null) {
            if (expected >= 0 && list.size() != expected) {
                return new Problem(DeadLetters.DIMENSION, "features has " + list.size() + " values, expected " + expected);
            }
            int firstBad = -1;
            int bad = 0;
            for (int i = 0; i < list.size(); i++) {
                if (!Float.isFinite(list.get(i))) {
                    firstBad = firstBad < 0 ? i : firstBad;
                    bad++;
                }
            }
            return bad == 0 ? null : nonFinite("features", firstBad, list.get(firstBad), bad);
        }
        if (!list.isEmpty()) {
            return new Problem(DeadLetters.SCHEMA, "both features (" + list.size() + " values) and packed are set; "
                    + "send the values in one of them");
        }
        ByteBuffer data = packed.getData();
        int bytes = data == null ? 0 : data.remaining();
        FeatureEncoding encoding = packed.getEncoding();
        if (encoding == FeatureEncoding.UINT8_SCALED) {
            float scale = packed.getScale();
            if (!Float.isFinite(scale)) {
                return new Problem(DeadLetters.NON_FINITE, "packed.scale is " + scale + ", expected a finite value above 0");
            }
            if (!(scale > 0)) {
                return new Problem(DeadLetters.SCHEMA, "packed.scale is " + scale + ", expected a finite value above 0");
            }
            if (expected >= 0 && bytes != expected) {
                return new Problem(DeadLetters.DIMENSION, "packed UINT8_SCALED data has " + bytes + " values, expected "
                        + expected);
            }
            return null;
        }
        if (bytes % Float.BYTES != 0) {
            return new Problem(DeadLetters.DIMENSION, "packed FLOAT32_LE data has " + bytes
                    + " bytes, not a multiple of 4");
        }
        int n = bytes / Float.BYTES;
        if (expected >= 0 && n != expected) {
            return new Problem(DeadLetters.DIMENSION, "packed FLOAT32_LE data has " + n + " values, expected " + expected);
        }
        ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = le.position();
        int firstBad = -1;
        int bad = 0;
        for (int i = 0; i < n; i++) {
            // Exponent bits all ones: NaN or infinity.
            if ((le.getInt(base + i * Float.BYTES) & 0x7F80_0000) == 0x7F80_0000) {
                firstBad = firstBad < 0 ? i : firstBad;
                bad++;
            }
        }
        return bad == 0 ? null : nonFinite("packed", firstBad, le.getFloat(base + firstBad * Float.BYTES), bad);
    }

    private static Problem nonFinite(String field, int first, float value, int count) {
        return new Problem(DeadLetters.NON_FINITE, field + "[" + first + "] is " + value
                + (count > 1 ? " (" + count + " non-finite values in all)" : ""));
    }

    /**
     * The number of values the sample holds; for FLOAT32_LE data of a length that is not a
     * multiple of 4, the number of whole values.
     */
    public static int count(Sample sample) {
        PackedFeatures packed = sample.getPacked();
        if (packed == null) {
            return sample.getFeatures().size();
        }
        int bytes = packed.getData() == null ? 0 : packed.getData().remaining();
        return packed.getEncoding() == FeatureEncoding.UINT8_SCALED ? bytes : bytes / Float.BYTES;
    }

    /** The values of the sample as a new array, whatever their encoding. */
    public static float[] of(Sample sample) {
        float[] out = new float[count(sample)];
        copyInto(sample, out, 0, out.length);
        return out;
    }

    /**
     * Copies the first {@code length} values of the sample into {@code target} from {@code offset},
     * without boxing packed values; for example straight into one row of a batch.
     *
     * @throws IllegalArgumentException when the sample holds fewer than {@code length} values
     */
    public static void copyInto(Sample sample, float[] target, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, target.length);
        int n = count(sample);
        if (n < length) {
            throw new IllegalArgumentException("sample " + sample.getId() + " has " + n + " values, " + length
                    + " are needed");
        }
        PackedFeatures packed = sample.getPacked();
        if (packed == null) {
            List<Float> list = sample.getFeatures();
            for (int i = 0; i < length; i++) {
                target[offset + i] = list.get(i);
            }
            return;
        }
        ByteBuffer data = packed.getData();
        int base = data.position();
        if (packed.getEncoding() == FeatureEncoding.UINT8_SCALED) {
            float scale = packed.getScale();
            if (scale == UNIT_PIXEL) {
                for (int i = 0; i < length; i++) {
                    target[offset + i] = PIXELS[data.get(base + i) & 0xFF];
                }
            } else {
                for (int i = 0; i < length; i++) {
                    target[offset + i] = (data.get(base + i) & 0xFF) * scale;
                }
            }
            return;
        }
        ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < length; i++) {
            target[offset + i] = le.getFloat(base + i * Float.BYTES);
        }
    }

    /**
     * The compact form of the values: UINT8_SCALED with scale 1/255 when every value is exactly
     * {@code q / 255f} for an integer q in [0, 255] (8-bit images scaled to [0, 1]; every value
     * reads back exactly), else FLOAT32_LE.
     */
    public static PackedFeatures pack(float[] values) {
        byte[] q = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0f && v <= 1f)) {
                return float32(values);
            }
            int k = Math.round(v * 255f);
            if (PIXELS[k] != v) {
                return float32(values);
            }
            q[i] = (byte) k;
        }
        return PackedFeatures.newBuilder().setEncoding(FeatureEncoding.UINT8_SCALED).setScale(UNIT_PIXEL)
                .setData(ByteBuffer.wrap(q)).build();
    }

    /** The values as FLOAT32_LE, exactly. */
    public static PackedFeatures float32(float[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        data.flip();
        return PackedFeatures.newBuilder().setEncoding(FeatureEncoding.FLOAT32_LE).setScale(1f).setData(data).build();
    }

    /**
     * Unsigned bytes with a scale, for example the pixels of an 8-bit image with scale
     * {@link #UNIT_PIXEL}; the array is wrapped, not copied.
     */
    public static PackedFeatures uint8(byte[] values, float scale) {
        return PackedFeatures.newBuilder().setEncoding(FeatureEncoding.UINT8_SCALED).setScale(scale)
                .setData(ByteBuffer.wrap(values)).build();
    }
}
