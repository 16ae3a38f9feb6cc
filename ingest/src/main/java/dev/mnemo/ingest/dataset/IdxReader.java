package dev.mnemo.ingest.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files in which MNIST-style image datasets are distributed.
 *
 * <p>Format: a big-endian 32-bit magic number whose third byte is the element type ({@code 0x08},
 * unsigned byte) and whose fourth byte is the number of dimensions, then one 32-bit size per
 * dimension, then the elements in row-major order. Images are IDX3 (magic {@code 0x00000803}:
 * count, rows, columns); labels are IDX1 (magic {@code 0x00000801}: count). Files may be plain or
 * gzip-compressed; compression is recognised by the gzip marker {@code 1F 8B}, not by the file name.
 *
 * <p>Pixels are scaled to [0, 1] by dividing by 255. The reader checks the magic numbers, that the
 * sizes are positive, that the file holds exactly the announced number of elements (no fewer, no
 * trailing bytes), and that image and label files agree on the count; each failure is a
 * {@link DatasetFormatException} that names the file.
 *
 * <pre>{@code
 * LabelledData train = IdxReader.read("fashion-mnist-train",
 *         Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
 *         Path.of("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"), 10);
 * train.size();   // 60000
 * }</pre>
 *
 * <p>References: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning applied
 * to document recognition", Proceedings of the IEEE 86(11), 1998 (the IDX format is described on
 * the MNIST database page that accompanies it).
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;

    private IdxReader() {
    }

    /**
     * Images of an IDX3 file, scaled to [0, 1].
     *
     * @param rows    image height
     * @param columns image width
     * @param pixels  one row-major vector of {@code rows * columns} values per image
     */
    public record Images(int rows, int columns, float[][] pixels) {

        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if (rows < 1 || columns < 1) {
                throw new IllegalArgumentException("rows and columns must be >= 1, got " + rows + " x " + columns);
            }
        }

        /** Number of images. */
        public int count() {
            return pixels.length;
        }
    }

    /**
     * Reads an image file and its label file into a labelled dataset of shape [rows, columns].
     *
     * @param name    the dataset name, for example {@code mnist-train}
     * @param images  IDX3 image file, plain or gzip
     * @param labels  IDX1 label file, plain or gzip
     * @param classes number of classes; every label must lie in [0, classes)
     * @throws DatasetFormatException when a file is malformed, the counts differ or a label is out
     *                                of range
     */
    public static LabelledData read(String name, Path images, Path labels, int classes) {
        Images im = readImages(images);
        int[] lb = readLabels(labels);
        if (im.count() != lb.length) {
            throw new DatasetFormatException(images + " holds " + im.count() + " images but " + labels + " holds "
                    + lb.length + " labels; they must be equal");
        }
        for (int i = 0; i < lb.length; i++) {
            if (lb[i] >= classes) {
                throw new DatasetFormatException(labels + ": label " + i + " is " + lb[i] + ", outside [0, " + classes + ")");
            }
        }
        return new LabelledData(name, im.pixels(), lb, classes, new int[] {im.rows(), im.columns()});
    }

    /** Reads an IDX3 image file (plain or gzip). */
    public static Images readImages(Path path) {
        try (InputStream in = open(path)) {
            return readImages(in, path.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("no such file: " + path, e);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads IDX1 labels from a file (plain or gzip). */
    public static int[] readLabels(Path path) {
        try (InputStream in = open(path)) {
            return readLabels(in, path.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("no such file: " + path, e);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads IDX3 images from a stream (plain or gzip); the stream is read to its end, not closed.
     *
     * @param source a name for the stream, used in error messages
     */
    public static Images readImages(InputStream input, String source) {
        DataInputStream in = new DataInputStream(decompress(input));
        try {
            int magic = readHeader(in, source, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new DatasetFormatException(source + ": magic number is 0x" + hex(magic) + ", expected 0x"
                        + hex(IMAGES_MAGIC) + " (IDX3 unsigned bytes)" + hint(magic));
            }
            int count = readHeader(in, source, "image count");
            int rows = readHeader(in, source, "row count");
            int columns = readHeader(in, source, "column count");
            if (count < 0 || rows < 1 || columns < 1) {
                throw new DatasetFormatException(source + ": invalid sizes " + count + " images of " + rows + " x "
                        + columns + " (count must be >= 0, rows and columns >= 1)");
            }
            long cells = (long) rows * columns;
            if (cells > 1 << 24) {
                throw new DatasetFormatException(source + ": images of " + rows + " x " + columns
                        + " are larger than 2^24 pixels; not an image file");
            }
            int dimension = (int) cells;
            byte[] buffer = new byte[dimension];
            List<float[]> pixels = new ArrayList<>(Math.min(count, 1 << 16));
            for (int i = 0; i < count; i++) {
                try {
                    in.readFully(buffer);
                } catch (EOFException e) {
                    throw new DatasetFormatException(source + ": file ends after " + i + " of " + count
                            + " images (truncated?)", e);
                }
                float[] row = new float[dimension];
                for (int p = 0; p < dimension; p++) {
                    row[p] = (buffer[p] & 0xFF) / 255f;
                }
                pixels.add(row);
            }
            requireEnd(in, source, count + " images");
            return new Images(rows, columns, pixels.toArray(new float[0][]));
        } catch (IOException e) {
            throw new DatasetFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads IDX1 labels from a stream (plain or gzip); the stream is read to its end, not closed.
     *
     * @param source a name for the stream, used in error messages
     */
    public static int[] readLabels(InputStream input, String source) {
        DataInputStream in = new DataInputStream(decompress(input));
        try {
            int magic = readHeader(in, source, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new DatasetFormatException(source + ": magic number is 0x" + hex(magic) + ", expected 0x"
                        + hex(LABELS_MAGIC) + " (IDX1 unsigned bytes)" + hint(magic));
            }
            int count = readHeader(in, source, "label count");
            if (count < 0) {
                throw new DatasetFormatException(source + ": invalid label count " + count + " (must be >= 0)");
            }
            int[] labels = new int[count];
            byte[] buffer = new byte[BUFFER];
            int done = 0;
            while (done < count) {
                int n = in.read(buffer, 0, Math.min(buffer.length, count - done));
                if (n < 0) {
                    throw new DatasetFormatException(source + ": file ends after " + done + " of " + count
                            + " labels (truncated?)");
                }
                for (int k = 0; k < n; k++) {
                    labels[done + k] = buffer[k] & 0xFF;
                }
                done += n;
            }
            requireEnd(in, source, count + " labels");
            return labels;
        } catch (IOException e) {
            throw new DatasetFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path path) throws IOException {
        return Files.newInputStream(path);
    }

    /** Wraps the stream in a gzip decoder when it starts with the gzip marker. */
    private static InputStream decompress(InputStream input) {
        Objects.requireNonNull(input, "input");
        BufferedInputStream buffered = new BufferedInputStream(input, BUFFER);
        try {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            if (b0 == 0x1F && b1 == 0x8B) {
                return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
            }
            return buffered;
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read stream: " + e.getMessage(), e);
        }
    }

    private static int readHeader(DataInputStream in, String source, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DatasetFormatException(source + ": file ends inside the header (reading the " + what + ")", e);
        }
    }

    private static void requireEnd(DataInputStream in, String source, String what) throws IOException {
        if (in.read() != -1) {
            throw new DatasetFormatException(source + ": unexpected bytes after " + what
                    + "; the header announces fewer elements than the file holds");
        }
    }

    private static String hint(int magic) {
        if (magic == IMAGES_MAGIC) {
            return "; this is an image file";
        }
        if (magic == LABELS_MAGIC) {
            return "; this is a label file";
        }
        return "";
    }

    private static String hex(int value) {
        return String.format("%08X", value);
    }
}
