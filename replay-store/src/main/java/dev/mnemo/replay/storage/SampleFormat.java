package dev.mnemo.replay.storage;

/**
 * The shape of the samples a buffer holds: the number of features and how each is stored.
 *
 * <p>Example: {@code SampleFormat.uint8(784)} for MNIST images scaled to [0, 1], 784 bytes a sample.
 *
 * @param dims     number of features per sample, at least 1
 * @param encoding how each feature is stored
 */
public record SampleFormat(int dims, Encoding encoding) {

    public SampleFormat {
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be at least 1, got " + dims);
        }
        if (encoding == null) {
            throw new IllegalArgumentException("encoding must be one of UINT8, FLOAT16, FLOAT32, got null");
        }
    }

    /** One byte per feature; the features must lie in [0, 1]. */
    public static SampleFormat uint8(int dims) {
        return new SampleFormat(dims, Encoding.UINT8);
    }

    /** Two bytes per feature, IEEE half precision. */
    public static SampleFormat float16(int dims) {
        return new SampleFormat(dims, Encoding.FLOAT16);
    }

    /** Four bytes per feature, exact. */
    public static SampleFormat float32(int dims) {
        return new SampleFormat(dims, Encoding.FLOAT32);
    }

    /** Bytes of feature data per sample. */
    public int bytesPerSample() {
        return dims * encoding.bytesPerValue();
    }
}
