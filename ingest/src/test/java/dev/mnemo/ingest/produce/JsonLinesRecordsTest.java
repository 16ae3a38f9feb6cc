package dev.mnemo.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class JsonLinesRecordsTest {

    private static List<Item> all(String text, String keyField) throws IOException {
        List<Item> items = new ArrayList<>();
        try (JsonLinesRecords source = new JsonLinesRecords(new BufferedReader(new StringReader(text)), "events",
                keyField, OptionalLong.empty())) {
            for (Item i = source.next(); i != null; i = source.next()) {
                items.add(i);
            }
        }
        return items;
    }

    @Test
    void sendsObjectLinesAsTheyAreKeyedByTheirId() throws IOException {
        String line = "{\"source\":\"cam\",\"shape\":[1,2],\"id\":\"a1\",\"features\":[0.5,NaN],\"label\":3}";
        List<Item> items = all(line + "\n\n  {\"features\":[1]}  \n", "id");
        assertThat(items).hasSize(2);
        Item.Ready first = (Item.Ready) items.get(0);
        assertThat(first.key()).isEqualTo("a1");
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo(line);
        assertThat(((Item.Ready) items.get(1)).key()).as("no id: the file name and line").isEqualTo("events-3");
        assertThat(((Item.Ready) items.get(1)).position()).isEqualTo("line 3");
    }

    @Test
    void labelsAreKeyedBySampleId() throws IOException {
        assertThat(((Item.Ready) all("{\"sampleId\":\"cam-17\",\"label\":3}", "sampleId").get(0)).key())
                .isEqualTo("cam-17");
    }

    @Test
    void linesThatAreNotObjectsAreUnreadable() throws IOException {
        List<Item> items = all("[1,2]\nnot json\n{\"id\" 1}\n", "id");
        assertThat(items).allMatch(i -> i instanceof Item.Unreadable);
        assertThat(((Item.Unreadable) items.get(0)).reason())
                .isEqualTo("not a JSON object (a line must start with '{' and end with '}')");
        assertThat(((Item.Unreadable) items.get(2)).reason()).startsWith("malformed JSON: ");
        assertThat(((Item.Unreadable) items.get(2)).position()).isEqualTo("line 3");
    }
}
