package dev.mnemo.ingest.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads a numeric CSV file into feature rows and integer labels.
 *
 * <p>Every cell is a number; one column holds the class label, chosen by position (0-based, or
 * {@link Options#LAST} for the last column) or, when the file has a header line, by name. Labels
 * must be non-negative integers ({@code 3} or {@code 3.0}). Blank lines are skipped. Fields are
 * split on the delimiter (default comma); quotes are allowed around header names only. A file that
 * starts with the gzip marker {@code 1F 8B} is decompressed, whatever its name.
 *
 * <p>Errors are {@link DatasetFormatException}s that name the source, the line and the column:
 * {@code digits.csv.gz, line 7, column 12: 'x' is not a number}.
 *
 * <pre>{@code
 * CsvReader.Table t = CsvReader.read(Path.of("digits.csv.gz"), CsvReader.Options.labelLast());
 * t.rows();                                        // 1797
 * LabelledData digits = t.toLabelledData("digits", 10, 16f, new int[] {8, 8});
 * }</pre>
 */
public final class CsvReader {

    private CsvReader() {
    }

    /**
     * How to read a CSV file.
     *
     * @param header      whether the first non-blank line holds column names
     * @param labelColumn 0-based label column, or {@link #LAST}; ignored when {@code labelName} is set
     * @param labelName   name of the label column in the header, or null to use {@code labelColumn}
     * @param delimiter   the field separator
     */
    public record Options(boolean header, int labelColumn, String labelName, char delimiter) {

        /** Label column index meaning "the last column". */
        public static final int LAST = -1;

        /**
         * @throws IllegalArgumentException when labelColumn is below -1, a label name is given
         *                                  without a header, or the delimiter is a digit, sign,
         *                                  dot or quote
         */
        public Options {
            if (labelColumn < LAST) {
                throw new IllegalArgumentException("labelColumn must be >= 0 or LAST (-1), got " + labelColumn);
            }
            if (labelName != null && !header) {
                throw new IllegalArgumentException("a label column name (" + labelName + ") needs a header line");
            }
            if (Character.isDigit(delimiter) || "+-.\"eE".indexOf(delimiter) >= 0) {
                throw new IllegalArgumentException("delimiter must not be a digit, sign, dot, quote or 'e', got '"
                        + delimiter + "'");
            }
        }

        /** No header, label in the last column, comma-separated. */
        public static Options labelLast() {
            return new Options(false, LAST, null, ',');
        }

        /** No header, label in the given 0-based column, comma-separated. */
        public static Options labelAt(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("column must be >= 0, got " + column);
            }
            return new Options(false, column, null, ',');
        }

        /** A header line, label in the column of that name, comma-separated. */
        public static Options labelNamed(String name) {
            Objects.requireNonNull(name, "name");
            return new Options(true, LAST, name, ',');
        }

        public Options withHeader(boolean hasHeader) {
            return new Options(hasHeader, labelColumn, labelName, delimiter);
        }

        public Options withDelimiter(char newDelimiter) {
            return new Options(header, labelColumn, labelName, newDelimiter);
        }
    }

    /**
     * The content of a CSV file: features unscaled, as written in the file.
     *
     * @param header   the column names (empty when the file has no header), label column included
     * @param features one row per data line, the label column removed
     * @param labels   one label per data line
     */
    public record Table(List<String> header, float[][] features, int[] labels) {

        public Table {
            header = List.copyOf(header);
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(labels, "labels");
            if (features.length != labels.length) {
                throw new IllegalArgumentException(features.length + " rows but " + labels.length + " labels");
            }
        }

        /** Number of data rows. */
        public int rows() {
            return labels.length;
        }

        /**
         * Converts to a dataset, dividing every feature by {@code scale}.
         *
         * @param scale a positive divisor (16 for 4-bit pixels, 255 for bytes, 1 to keep values)
         * @throws IllegalArgumentException when scale is not positive and finite, or a label is
         *                                  outside [0, classes)
         */
        public LabelledData toLabelledData(String name, int classes, float scale, int[] shape) {
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
            }
            float[][] scaled = new float[features.length][];
            for (int i = 0; i < features.length; i++) {
                float[] row = features[i].clone();
                for (int j = 0; j < row.length; j++) {
                    row[j] /= scale;
                }
                scaled[i] = row;
            }
            return new LabelledData(name, scaled, labels, classes, shape);
        }
    }

    /** Reads a CSV file, plain or gzip. */
    public static Table read(Path path, Options options) {
        Objects.requireNonNull(path, "path");
        try (InputStream raw = Files.newInputStream(path)) {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            InputStream body = b0 == 0x1F && b1 == 0x8B ? new GZIPInputStream(in, 1 << 16) : in;
            return read(new InputStreamReader(body, StandardCharsets.UTF_8), path.toString(), options);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("no such file: " + path, e);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads CSV text; the reader is read to its end, not closed.
     *
     * @param source a name for the text, used in error messages
     */
    public static Table read(Reader reader, String source, Options options) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(options, "options");
        BufferedReader lines = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        String delimiter = java.util.regex.Pattern.quote(String.valueOf(options.delimiter()));
        List<String> header = List.of();
        int labelColumn = options.labelColumn();
        int columns = -1;
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int lineNumber = 0;
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(delimiter, -1);
                if (columns < 0) {
                    columns = cells.length;
                    if (columns < 2) {
                        throw new DatasetFormatException(source + ", line " + lineNumber
                                + ": found 1 column; a labelled CSV needs at least a feature and a label (delimiter '"
                                + options.delimiter() + "')");
                    }
                    if (options.header()) {
                        header = new ArrayList<>();
                        for (String cell : cells) {
                            header.add(unquote(cell.strip()));
                        }
                        header = List.copyOf(header);
                        if (options.labelName() != null) {
                            labelColumn = header.indexOf(options.labelName());
                            if (labelColumn < 0) {
                                throw new DatasetFormatException(source + ": no column named '" + options.labelName()
                                        + "' in header " + header);
                            }
                        }
                    }
                    if (labelColumn == Options.LAST) {
                        labelColumn = columns - 1;
                    }
                    if (labelColumn >= columns) {
                        throw new DatasetFormatException(source + ": label column " + labelColumn + " does not exist; lines have "
                                + columns + " columns (0.." + (columns - 1) + ")");
                    }
                    if (options.header()) {
                        continue;
                    }
                }
                if (cells.length != columns) {
                    throw new DatasetFormatException(source + ", line " + lineNumber + ": " + cells.length
                            + " columns, expected " + columns + " like the first line");
                }
                float[] row = new float[columns - 1];
                int label = -1;
                for (int c = 0, f = 0; c < columns; c++) {
                    String cell = cells[c].strip();
                    if (c == labelColumn) {
                        label = parseLabel(cell, source, lineNumber, c);
                    } else {
                        row[f++] = parseNumber(cell, source, lineNumber, c);
                    }
                }
                rows.add(row);
                labels.add(label);
            }
        } catch (IOException e) {
            throw new DatasetFormatException(source + ", line " + (lineNumber + 1) + ": " + e.getMessage(), e);
        }
        int[] labelArray = new int[labels.size()];
        for (int i = 0; i < labelArray.length; i++) {
            labelArray[i] = labels.get(i);
        }
        return new Table(header, rows.toArray(new float[0][]), labelArray);
    }

    private static float parseNumber(String cell, String source, int line, int column) {
        try {
            return Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(where(source, line, column) + "'" + cell + "' is not a number");
        }
    }

    private static int parseLabel(String cell, String source, int line, int column) {
        double value;
        try {
            value = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(where(source, line, column) + "label '" + cell + "' is not a number");
        }
        if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
            throw new DatasetFormatException(where(source, line, column) + "label '" + cell
                    + "' is not a non-negative integer");
        }
        return (int) value;
    }

    private static String where(String source, int line, int column) {
        return source + ", line " + line + ", column " + (column + 1) + ": ";
    }

    private static String unquote(String cell) {
        if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
            return cell.substring(1, cell.length() - 1);
        }
        return cell;
    }
}
