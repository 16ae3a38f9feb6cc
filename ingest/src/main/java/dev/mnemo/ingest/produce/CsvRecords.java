package dev.mnemo.ingest.produce;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

import dev.mnemo.ingest.dataset.DatasetFormatException;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.Sample;

/**
 * Reads a CSV file with a header line, one record per row.
 *
 * <p>Columns are found by name in the header: the label column (default {@code label}), an
 * optional {@code id} column, and every other column is a numeric feature, in file order. A row
 * without an {@code id} gets the id {@code <name>-<row>}, where row counts data rows from 0. For
 * {@code samples.raw} each row becomes an Avro {@link Sample}, its values packed by
 * {@link SampleFeatures#pack} (an empty label cell, or a row
 * chosen by the {@link Unlabelling}, is sent without label); for {@code labels} a row becomes an
 * Avro {@link LabelFeedback} and needs only the id and label columns. Blank lines are skipped;
 * a row with a wrong number of cells, a feature that is not a number or a label that is not a
 * non-negative integer is {@link Item.Unreadable}, and reading goes on. Cells may be quoted with
 * {@code "}; the delimiter is a comma.
 *
 * <pre>{@code
 * id,f0,f1,label          ->  key "r1", Sample{id=r1, features=[0.5, 1.0], label=3}
 * r1,0.5,1,3                   (values packed as FLOAT32_LE: 0.5 is not a multiple of 1/255)
 * }</pre>
 */
public final class CsvRecords implements RecordSource {

    private final BufferedReader in;
    private final String name;
    private final String source;
    private final Target target;
    private final Unlabelling unlabelling;
    private final LongSupplier clock;
    private final OptionalLong size;
    private final int labelColumn;
    private final int idColumn;
    private final int[] featureColumns;
    private final int columns;
    private long line;
    private long row;

    /**
     * @param in          the text, positioned at the header line
     * @param name        the file name without extension: the prefix of generated ids
     * @param source      the source written into each sample or label
     * @param labelName   the name of the label column
     * @param target      what to build from each row
     * @param unlabelling which samples to send without their label
     * @param clock       epoch milliseconds, the event time of each record
     * @param size        the number of data rows when known
     * @throws DatasetFormatException when the header is missing or lacks a needed column
     */
    public CsvRecords(BufferedReader in, String name, String source, String labelName, Target target,
                      Unlabelling unlabelling, LongSupplier clock, OptionalLong size) throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.unlabelling = Objects.requireNonNull(unlabelling, "unlabelling");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.size = Objects.requireNonNull(size, "size");
        Objects.requireNonNull(labelName, "labelName");
        String header = null;
        while ((header = in.readLine()) != null) {
            line++;
            if (!header.isBlank()) {
                break;
            }
        }
        if (header == null) {
            throw new DatasetFormatException(name + ": the file is empty; expected a header line");
        }
        List<String> names = split(stripBom(header));
        this.columns = names.size();
        this.labelColumn = names.indexOf(labelName);
        this.idColumn = names.indexOf("id");
        if (labelColumn < 0) {
            throw new DatasetFormatException(name + ", line " + line + ": no label column '" + labelName
                    + "' in the header " + names + " (choose it with --label-column)");
        }
        if (target == Target.LABELS && idColumn < 0) {
            throw new DatasetFormatException(name + ", line " + line + ": labels need an 'id' column, header is " + names);
        }
        List<Integer> features = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (c != labelColumn && c != idColumn) {
                features.add(c);
            }
        }
        if (target == Target.SAMPLES && features.isEmpty()) {
            throw new DatasetFormatException(name + ", line " + line + ": no feature columns in the header " + names);
        }
        this.featureColumns = features.stream().mapToInt(Integer::intValue).toArray();
    }

    /** What a row becomes. */
    public enum Target {
        /** An Avro {@link Sample} for {@code samples.raw}. */
        SAMPLES,
        /** An Avro {@link LabelFeedback} for {@code labels}. */
        LABELS
    }

    @Override
    public Item next() throws IOException {
        String text;
        while ((text = in.readLine()) != null) {
            line++;
            if (!text.isBlank()) {
                return parse(text, "line " + line, row++);
            }
        }
        return null;
    }

    @Override
    public OptionalLong size() {
        return size;
    }

    /** Parses one data row; {@code index} is its 0-based data row number. */
    Item parse(String text, String position, long index) {
        List<String> cells = split(text);
        if (cells.size() != columns) {
            return new Item.Unreadable(position, "has " + cells.size() + " cells, the header has " + columns);
        }
        String id = idColumn >= 0 ? cells.get(idColumn).strip() : name + "-" + index;
        if (id.isEmpty()) {
            return new Item.Unreadable(position, "the id cell is empty");
        }
        String labelText = cells.get(labelColumn).strip();
        Integer label = null;
        if (!labelText.isEmpty()) {
            label = label(labelText);
            if (label == null) {
                return new Item.Unreadable(position, "label '" + cut(labelText) + "' is not a non-negative integer");
            }
        }
        long now = clock.getAsLong();
        if (target == Target.LABELS) {
            if (label == null) {
                return new Item.Unreadable(position, "the label cell is empty");
            }
            LabelFeedback feedback = LabelFeedback.newBuilder().setSampleId(id).setSource(source).setLabel(label)
                    .setEventTime(Instant.ofEpochMilli(now)).setLabeller(null).build();
            return new Item.Ready(id, MnemoSerdes.labelFeedback().encode(feedback), position);
        }
        float[] features = new float[featureColumns.length];
        for (int k = 0; k < featureColumns.length; k++) {
            int c = featureColumns[k];
            String cell = cells.get(c).strip();
            try {
                features[k] = Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                return new Item.Unreadable(position, "column " + (c + 1) + ": '" + cut(cell) + "' is not a number");
            }
        }
        if (label != null && unlabelling.drop()) {
            label = null;
        }
        Sample sample = Sample.newBuilder().setId(id).setSource(source).setEventTime(Instant.ofEpochMilli(now))
                .setFeatures(List.of()).setPacked(SampleFeatures.pack(features)).setShape(List.of()).setLabel(label)
                .setTask(null).build();
        return new Item.Ready(id, MnemoSerdes.sample().encode(sample), position);
    }

    private static Integer label(String text) {
        try {
            double v = Double.parseDouble(text);
            if (v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v)) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // not a number: reported by the caller
        }
        return null;
    }

    /** Splits on commas; a cell in double quotes may hold commas, and {@code ""} is a quote. */
    static List<String> split(String text) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        for (int i = 0; i < cells.size(); i++) {
            cells.set(i, cells.get(i).strip());
        }
        return cells;
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    static String cut(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
