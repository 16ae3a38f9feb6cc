package dev.mnemo.ingest.produce;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * Reads JSON lines: one JSON object per line, sent as it is (the topology does the real checks).
 *
 * <p>The check here is cheap on purpose: the line must start with {@code {} and end with
 * {@code }}, and its top-level fields are read only until the key field ({@code id} for samples,
 * {@code sampleId} for labels) is found; its string value is the record key. A line without that
 * field is keyed {@code <name>-<line>}. A line that fails the check, or whose JSON breaks before
 * the key field, is {@link Item.Unreadable}. Blank lines are skipped.
 */
public final class JsonLinesRecords implements RecordSource {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final BufferedReader in;
    private final String name;
    private final String keyField;
    private final OptionalLong size;
    private long line;

    /**
     * @param in       the lines
     * @param name     the file name without extension, the prefix of generated keys
     * @param keyField the top-level field that holds the key ({@code id} or {@code sampleId})
     * @param size     the number of lines when known
     */
    public JsonLinesRecords(BufferedReader in, String name, String keyField, OptionalLong size) {
        this.in = Objects.requireNonNull(in, "in");
        this.name = Objects.requireNonNull(name, "name");
        this.keyField = Objects.requireNonNull(keyField, "keyField");
        this.size = Objects.requireNonNull(size, "size");
    }

    @Override
    public Item next() throws IOException {
        String text;
        while ((text = in.readLine()) != null) {
            line++;
            if (!text.isBlank()) {
                return parse(text.strip(), "line " + line, line);
            }
        }
        return null;
    }

    @Override
    public OptionalLong size() {
        return size;
    }

    /** Checks one stripped, non-blank line. */
    Item parse(String text, String position, long lineNumber) {
        if (text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
            return new Item.Unreadable(position, "not a JSON object (a line must start with '{' and end with '}')");
        }
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        String key = null;
        try (JsonParser p = JSON.createParser(value)) {
            p.nextToken();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals(keyField)) {
                    if (v == JsonToken.VALUE_STRING) {
                        key = p.getText();
                    }
                    break;
                }
                p.skipChildren();
            }
        } catch (JsonProcessingException e) {
            return new Item.Unreadable(position, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Item.Unreadable(position, "malformed JSON: " + e.getMessage());
        }
        return new Item.Ready(key == null || key.isBlank() ? name + "-" + lineNumber : key, value, position);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
