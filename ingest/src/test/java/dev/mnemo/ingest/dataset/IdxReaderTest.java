package dev.mnemo.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** IDX3 bytes: count images of rows x cols, pixel value = image index * 10 + pixel index. */
    static byte[] images(int magic, int count, int rows, int cols, int extraBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                out.writeByte(i * 10 + p);
            }
        }
        for (int i = 0; i < extraBytes; i++) {
            out.writeByte(0);
        }
        return bytes.toByteArray();
    }

    static byte[] labels(int magic, int count, int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        for (int v : values) {
            out.writeByte(v);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsImagesScaledToUnitInterval() throws IOException {
        IdxReader.Images im = IdxReader.readImages(new ByteArrayInputStream(images(0x803, 3, 2, 2, 0)), "mem");
        assertThat(im.count()).isEqualTo(3);
        assertThat(im.rows()).isEqualTo(2);
        assertThat(im.columns()).isEqualTo(2);
        assertThat(im.pixels()[2]).containsExactly(20 / 255f, 21 / 255f, 22 / 255f, 23 / 255f);
    }

    @Test
    void readsGzipByContentNotByName() throws IOException {
        Path file = dir.resolve("images-without-gz-suffix");
        Files.write(file, gzip(images(0x803, 2, 3, 1, 0)));
        IdxReader.Images im = IdxReader.readImages(file);
        assertThat(im.count()).isEqualTo(2);
        assertThat(im.pixels()[1]).containsExactly(10 / 255f, 11 / 255f, 12 / 255f);
    }

    @Test
    void readsLabelsAndPairsThemWithImages() throws IOException {
        Path imageFile = dir.resolve("i.gz");
        Path labelFile = dir.resolve("l");
        Files.write(imageFile, gzip(images(0x803, 3, 2, 2, 0)));
        Files.write(labelFile, labels(0x801, 3, 7, 0, 9));
        LabelledData data = IdxReader.read("tiny", imageFile, labelFile, 10);
        assertThat(data.labels()).containsExactly(7, 0, 9);
        assertThat(data.shape()).containsExactly(2, 2);
        assertThat(data.dimension()).isEqualTo(4);
        assertThat(data.name()).isEqualTo("tiny");
    }

    @Test
    void rejectsALabelFileGivenAsImages() throws IOException {
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(labels(0x801, 1, 3)), "t10k-labels"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("t10k-labels: magic number is 0x00000801, expected 0x00000803 (IDX3 unsigned bytes); "
                        + "this is a label file");
    }

    @Test
    void rejectsAnUnknownMagicNumber() throws IOException {
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(labels(0x12345678, 1, 3)), "x"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("x: magic number is 0x12345678, expected 0x00000801 (IDX1 unsigned bytes)");
    }

    @Test
    void rejectsTruncatedImages() throws IOException {
        byte[] full = images(0x803, 3, 2, 2, 0);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 1);
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(cut), "cut"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("cut: file ends after 2 of 3 images (truncated?)");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(images(0x803, 1, 2, 2, 5)), "long"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("long: unexpected bytes after 1 images");
    }

    @Test
    void rejectsTruncatedLabelsAndHeaders() throws IOException {
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(labels(0x801, 4, 1, 2)), "l"))
                .hasMessage("l: file ends after 2 of 4 labels (truncated?)");
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(new byte[] {0, 0, 8}), "h"))
                .hasMessage("h: file ends inside the header (reading the magic number)");
    }

    @Test
    void rejectsInvalidSizes() throws IOException {
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(images(0x803, 0, 0, 2, 0)), "z"))
                .hasMessage("z: invalid sizes 0 images of 0 x 2 (count must be >= 0, rows and columns >= 1)");
    }

    @Test
    void rejectsCountMismatchBetweenFiles() throws IOException {
        Path imageFile = dir.resolve("i");
        Path labelFile = dir.resolve("l");
        Files.write(imageFile, images(0x803, 3, 2, 2, 0));
        Files.write(labelFile, labels(0x801, 2, 1, 2));
        assertThatThrownBy(() -> IdxReader.read("x", imageFile, labelFile, 10))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(imageFile + " holds 3 images but " + labelFile + " holds 2 labels; they must be equal");
    }

    @Test
    void rejectsLabelsOutsideTheClasses() throws IOException {
        Path imageFile = dir.resolve("i");
        Path labelFile = dir.resolve("l");
        Files.write(imageFile, images(0x803, 2, 1, 1, 0));
        Files.write(labelFile, labels(0x801, 2, 1, 12));
        assertThatThrownBy(() -> IdxReader.read("x", imageFile, labelFile, 10))
                .hasMessage(labelFile + ": label 1 is 12, outside [0, 10)");
    }

    @Test
    void namesAMissingFile() {
        Path missing = dir.resolve("nope-idx3-ubyte");
        assertThatThrownBy(() -> IdxReader.readImages(missing))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("no such file: " + missing);
    }
}
