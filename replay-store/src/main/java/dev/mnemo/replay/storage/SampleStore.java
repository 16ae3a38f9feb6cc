package dev.mnemo.replay.storage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Fixed-capacity slot storage for samples: one contiguous {@code byte[]} holds the encoded features
 * of every slot, and two {@code int[]} hold each slot's label and task.
 *
 * <p>Slot {@code s} occupies bytes {@code [s * b, (s + 1) * b)} of the data array, where
 * {@code b = format.bytesPerSample()}; multi-byte values are little-endian. A 784-feature UINT8 slot
 * costs 784 + 8 bytes, so a 100 000-slot store is about 79 MB, all on the heap.
 *
 * <p>The store has no policy: callers decide which slot to write. It is mutable and not thread-safe.
 *
 * <p>Example:
 * <pre>{@code
 * SampleStore store = new SampleStore(SampleFormat.uint8(3), 10);
 * store.put(0, new float[] {0f, 0.5f, 1f}, 7, 0);
 * store.features(0);   // [0.0, 0.5019608, 1.0]
 * }</pre>
 */
public final class SampleStore {

    /** The largest data array this store allocates. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16L;

    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    /** Exactly {@code b / 255f} for every byte b, so decoding needs no division. */
    private static final float[] UINT8_VALUES = new float[256];

    static {
        for (int b = 0; b < UINT8_VALUES.length; b++) {
            UINT8_VALUES[b] = b / Encoding.UINT8_SCALE;
        }
    }

    /** Array object header, counted in {@link #bytesAllocated()} so the figure stays honest. */
    private static final long ARRAY_HEADER_BYTES = 16;

    private final SampleFormat format;
    private final int slotBytes;
    private byte[] data;
    private int[] labels;
    private int[] tasks;

    /**
     * @param format   the shape and encoding of a sample
     * @param capacity number of slots, at least 1, with {@code capacity * format.bytesPerSample()} at
     *                 most {@link #MAX_DATA_BYTES}
     */
    public SampleStore(SampleFormat format, int capacity) {
        if (format == null) {
            throw new IllegalArgumentException("format must not be null");
        }
        this.format = format;
        this.slotBytes = format.bytesPerSample();
        allocate(capacity);
    }

    private void allocate(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        long bytes = (long) capacity * slotBytes;
        if (bytes > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("capacity * bytesPerSample must be at most " + MAX_DATA_BYTES
                    + ", got " + capacity + " * " + slotBytes + " = " + bytes);
        }
        data = new byte[(int) bytes];
        labels = new int[capacity];
        tasks = new int[capacity];
    }

    public SampleFormat format() {
        return format;
    }

    public int capacity() {
        return labels.length;
    }

    /**
     * Checks that {@code features} can be stored: the right length and, per the encoding, in range.
     *
     * @throws IllegalArgumentException naming the offending index and the allowed range
     */
    public void validate(float[] features) {
        if (features == null || features.length != format.dims()) {
            throw new IllegalArgumentException("features must have length " + format.dims() + ", got "
                    + (features == null ? "null" : features.length));
        }
        switch (format.encoding()) {
            case UINT8 -> {
                for (int i = 0; i < features.length; i++) {
                    float v = features[i];
                    if (!(v >= 0f && v <= 1f)) {
                        throw new IllegalArgumentException("UINT8 stores values in [0, 1]; features[" + i + "] = "
                                + v + " (use FLOAT16 or FLOAT32 for other data)");
                    }
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < features.length; i++) {
                    float v = features[i];
                    if (Float.isFinite(v) && Math.abs(v) >= 65520f) {
                        throw new IllegalArgumentException("FLOAT16 stores finite values in [-65504, 65504]; features["
                                + i + "] = " + v + " (use FLOAT32)");
                    }
                }
            }
            case FLOAT32 -> {
                // every float is representable
            }
        }
    }

    /** Encodes and writes a sample into {@code slot}; call {@link #validate} first. */
    public void put(int slot, float[] features, int label, int task) {
        int base = slot * slotBytes;
        switch (format.encoding()) {
            case UINT8 -> {
                for (int i = 0; i < features.length; i++) {
                    data[base + i] = (byte) Math.round(features[i] * Encoding.UINT8_SCALE);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < features.length; i++) {
                    SHORTS.set(data, base + 2 * i, HalfFloat.fromFloat(features[i]));
                }
            }
            case FLOAT32 -> floats(base, features.length).put(features);
        }
        labels[slot] = label;
        tasks[slot] = task;
    }

    /** Decodes the features of {@code slot} into a new array. */
    public float[] features(int slot) {
        float[] out = new float[format.dims()];
        int base = slot * slotBytes;
        switch (format.encoding()) {
            case UINT8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = UINT8_VALUES[data[base + i] & 0xff];
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloat.toFloat((short) SHORTS.get(data, base + 2 * i));
                }
            }
            case FLOAT32 -> floats(base, out.length).get(out);
        }
        return out;
    }

    /**
     * A little-endian float view of {@code count} floats of the data from byte {@code base}: bulk
     * copies through it are about ten times as fast as a VarHandle access per value (replaying 128
     * rows of 784 floats took 0.4 ms that way, a tenth of a training step).
     */
    private FloatBuffer floats(int base, int count) {
        return ByteBuffer.wrap(data, base, 4 * count).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public int label(int slot) {
        return labels[slot];
    }

    public int task(int slot) {
        return tasks[slot];
    }

    /** Copies slot {@code from} over slot {@code to}, bytes, label and task. */
    public void move(int from, int to) {
        System.arraycopy(data, from * slotBytes, data, to * slotBytes, slotBytes);
        labels[to] = labels[from];
        tasks[to] = tasks[from];
    }

    /**
     * Reallocates to {@code newCapacity} slots, keeping slots {@code [0, keep)}.
     *
     * @throws IllegalArgumentException when {@code keep > newCapacity} or the capacity is out of range
     */
    public void reallocate(int newCapacity, int keep) {
        if (keep > newCapacity) {
            throw new IllegalArgumentException("cannot keep " + keep + " slots in capacity " + newCapacity);
        }
        byte[] oldData = data;
        int[] oldLabels = labels;
        int[] oldTasks = tasks;
        allocate(newCapacity);
        System.arraycopy(oldData, 0, data, 0, keep * slotBytes);
        System.arraycopy(oldLabels, 0, labels, 0, keep);
        System.arraycopy(oldTasks, 0, tasks, 0, keep);
    }

    /** Writes slots {@code [0, count)}: labels, tasks, then the raw encoded bytes. */
    public void writeSlots(DataOutput out, int count) throws IOException {
        for (int s = 0; s < count; s++) {
            out.writeInt(labels[s]);
        }
        for (int s = 0; s < count; s++) {
            out.writeInt(tasks[s]);
        }
        out.write(data, 0, count * slotBytes);
    }

    /** Reads what {@link #writeSlots} wrote into slots {@code [0, count)}. */
    public void readSlots(DataInput in, int count) throws IOException {
        for (int s = 0; s < count; s++) {
            labels[s] = in.readInt();
        }
        for (int s = 0; s < count; s++) {
            tasks[s] = in.readInt();
        }
        in.readFully(data, 0, count * slotBytes);
    }

    /** Bytes held by this store's arrays, headers included; independent of how many slots are in use. */
    public long bytesAllocated() {
        return data.length + 4L * labels.length + 4L * tasks.length + 3 * ARRAY_HEADER_BYTES;
    }
}
