package dev.mnemo.learner.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable checkpoint of a {@link DriftDetector}: the algorithm name, its hyper-parameters and
 * its running state, as two flat arrays of primitives.
 *
 * <p>A detector writes its hyper-parameters first and its state after them; {@link
 * DriftDetector#restore(DetectorState)} checks the algorithm and the hyper-parameters and then
 * continues exactly where the snapshot was taken: the same inputs give the same detections. The
 * layout of the arrays belongs to each detector and is not an API. {@link #toBytes()} and {@link
 * #fromBytes(byte[])} give a compact binary form for checkpoint files.
 *
 * <pre>{@code
 * DriftDetector a = Adwin.create();
 * // ... a.update(x) many times ...
 * byte[] checkpoint = a.snapshot().toBytes();
 * DriftDetector b = Adwin.create();
 * b.restore(DetectorState.fromBytes(checkpoint));   // b now behaves exactly as a
 * }</pre>
 *
 * @param algorithm the detector's algorithm name, for example {@code "Adwin"}
 * @param longs integer hyper-parameters and state (copied)
 * @param doubles real hyper-parameters and state (copied)
 */
public record DetectorState(String algorithm, long[] longs, double[] doubles) {

    private static final int FORMAT = 1;

    /**
     * Copies the arrays, so the state cannot change after construction.
     *
     * @param algorithm the detector's algorithm name
     * @param longs integer hyper-parameters and state
     * @param doubles real hyper-parameters and state
     */
    public DetectorState {
        Objects.requireNonNull(algorithm, "algorithm");
        longs = longs.clone();
        doubles = doubles.clone();
    }

    /** @return a copy of the integer part */
    @Override
    public long[] longs() {
        return longs.clone();
    }

    /** @return a copy of the real part */
    @Override
    public double[] doubles() {
        return doubles.clone();
    }

    long longAt(int i) {
        return longs[i];
    }

    double doubleAt(int i) {
        return doubles[i];
    }

    int longCount() {
        return longs.length;
    }

    int doubleCount() {
        return doubles.length;
    }

    /**
     * Checks that this state was written by {@code algorithm} with the given hyper-parameters
     * (the first entries of each array).
     */
    void requireCompatible(String expectedAlgorithm, long[] hyperLongs, double[] hyperDoubles) {
        if (!algorithm.equals(expectedAlgorithm)) {
            throw new IllegalArgumentException(
                    "state of " + algorithm + " cannot be restored into " + expectedAlgorithm);
        }
        if (longs.length < hyperLongs.length || doubles.length < hyperDoubles.length) {
            throw new IllegalArgumentException("truncated " + algorithm + " state");
        }
        for (int i = 0; i < hyperLongs.length; i++) {
            if (longs[i] != hyperLongs[i]) {
                throw new IllegalArgumentException(algorithm + " state has other hyper-parameters: "
                        + Arrays.toString(Arrays.copyOf(longs, hyperLongs.length)) + " vs "
                        + Arrays.toString(hyperLongs));
            }
        }
        for (int i = 0; i < hyperDoubles.length; i++) {
            if (Double.doubleToLongBits(doubles[i]) != Double.doubleToLongBits(hyperDoubles[i])) {
                throw new IllegalArgumentException(algorithm + " state has other hyper-parameters: "
                        + Arrays.toString(Arrays.copyOf(doubles, hyperDoubles.length)) + " vs "
                        + Arrays.toString(hyperDoubles));
            }
        }
    }

    /** @return the compact binary form: format version, name, then both arrays */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 8 * (longs.length + doubles.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeUTF(algorithm);
            out.writeInt(longs.length);
            for (long v : longs) {
                out.writeLong(v);
            }
            out.writeInt(doubles.length);
            for (double v : doubles) {
                out.writeDouble(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the form written by {@link #toBytes()}.
     *
     * @param bytes the binary form
     * @return the state
     * @throws IllegalArgumentException if the bytes are not a detector state of a known format
     */
    public static DetectorState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown detector state format " + format + ", expected " + FORMAT);
            }
            String name = in.readUTF();
            long[] l = new long[checkedLength(in.readInt(), bytes.length)];
            for (int i = 0; i < l.length; i++) {
                l[i] = in.readLong();
            }
            double[] d = new double[checkedLength(in.readInt(), bytes.length)];
            for (int i = 0; i < d.length; i++) {
                d[i] = in.readDouble();
            }
            return new DetectorState(name, l, d);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a detector state: " + e.getMessage(), e);
        }
    }

    private static int checkedLength(int n, int available) {
        if (n < 0 || n > available / 8) {
            throw new IllegalArgumentException("not a detector state: bad array length " + n);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectorState s && algorithm.equals(s.algorithm)
                && Arrays.equals(longs, s.longs) && Arrays.equals(doubles, s.doubles);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * algorithm.hashCode() + Arrays.hashCode(longs)) + Arrays.hashCode(doubles);
    }

    @Override
    public String toString() {
        return "DetectorState[" + algorithm + ", " + longs.length + " longs, " + doubles.length + " doubles]";
    }
}
