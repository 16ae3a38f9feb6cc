package dev.mnemo.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    private static CsvReader.Table read(String text, CsvReader.Options options) {
        return CsvReader.read(new StringReader(text), "mem.csv", options);
    }

    @Test
    void readsLabelInTheLastColumn() {
        CsvReader.Table t = read("0,16,8,3\n4,2,0,9\n\n", CsvReader.Options.labelLast());
        assertThat(t.rows()).isEqualTo(2);
        assertThat(t.header()).isEmpty();
        assertThat(t.features()[0]).containsExactly(0f, 16f, 8f);
        assertThat(t.labels()).containsExactly(3, 9);
        LabelledData data = t.toLabelledData("d", 10, 16f, new int[] {3});
        assertThat(data.features()[0]).containsExactly(0f, 1f, 0.5f);
        assertThat(t.features()[0][1]).as("the table is not changed by scaling").isEqualTo(16f);
    }

    @Test
    void readsLabelByIndex() {
        CsvReader.Table t = read("2,0.5,1.5\n1.0,2.5,3.5\n", CsvReader.Options.labelAt(0));
        assertThat(t.labels()).containsExactly(2, 1);
        assertThat(t.features()[1]).containsExactly(2.5f, 3.5f);
    }

    @Test
    void readsLabelByNameFromTheHeader() {
        CsvReader.Table t = read("\"a\",class,b\n1,0,2\n3,1,4\n", CsvReader.Options.labelNamed("class"));
        assertThat(t.header()).containsExactly("a", "class", "b");
        assertThat(t.labels()).containsExactly(0, 1);
        assertThat(t.features()[1]).containsExactly(3f, 4f);
    }

    @Test
    void readsOtherDelimiters() {
        CsvReader.Table t = read("1;2;0\n", CsvReader.Options.labelLast().withDelimiter(';'));
        assertThat(t.features()[0]).containsExactly(1f, 2f);
    }

    @Test
    void readsGzipFiles() throws IOException {
        Path file = dir.resolve("x.csv.gz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("1,2,5\n3,4,6\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, bytes.toByteArray());
        assertThat(CsvReader.read(file, CsvReader.Options.labelLast()).labels()).containsExactly(5, 6);
        Path plain = dir.resolve("y.csv");
        Files.writeString(plain, "1,2,5\n");
        assertThat(CsvReader.read(plain, CsvReader.Options.labelLast()).labels()).containsExactly(5);
    }

    @Test
    void namesLineAndColumnOfABadCell() {
        assertThatThrownBy(() -> read("1,2,3\n4,x,5\n", CsvReader.Options.labelLast()))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("mem.csv, line 2, column 2: 'x' is not a number");
    }

    @Test
    void rejectsNonIntegerLabels() {
        assertThatThrownBy(() -> read("1,2,3.5\n", CsvReader.Options.labelLast()))
                .hasMessage("mem.csv, line 1, column 3: label '3.5' is not a non-negative integer");
        assertThatThrownBy(() -> read("1,2,-1\n", CsvReader.Options.labelLast()))
                .hasMessage("mem.csv, line 1, column 3: label '-1' is not a non-negative integer");
    }

    @Test
    void rejectsRaggedLines() {
        assertThatThrownBy(() -> read("1,2,3\n4,5\n", CsvReader.Options.labelLast()))
                .hasMessage("mem.csv, line 2: 2 columns, expected 3 like the first line");
    }

    @Test
    void rejectsAnUnknownLabelColumn() {
        assertThatThrownBy(() -> read("a,b\n1,2\n", CsvReader.Options.labelNamed("class")))
                .hasMessage("mem.csv: no column named 'class' in header [a, b]");
        assertThatThrownBy(() -> read("1,2\n", CsvReader.Options.labelAt(5)))
                .hasMessage("mem.csv: label column 5 does not exist; lines have 2 columns (0..1)");
    }

    @Test
    void validatesOptions() {
        assertThatThrownBy(() -> new CsvReader.Options(false, -1, "class", ','))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a label column name (class) needs a header line");
        assertThatThrownBy(() -> CsvReader.Options.labelAt(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CsvReader.Options.labelLast().withDelimiter('.'))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
