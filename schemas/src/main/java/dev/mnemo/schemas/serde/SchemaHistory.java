package dev.mnemo.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Every released version of a Mnemo schema, as kept in the repository.
 *
 * <p>Released versions live under {@code schemas/src/main/avro-history/<Record>/v<N>.avsc} and ship
 * in the jar under {@value #ROOT}. The newest history entry must equal the schema the classes were
 * generated from; a test enforces that, so changing a schema means adding a version here, and the
 * compatibility test then checks that the change is BACKWARD compatible with every older version.
 */
public final class SchemaHistory {

    /** Classpath folder holding the released schemas. */
    public static final String ROOT = "mnemo/schema-history/";

    private SchemaHistory() {
    }

    /**
     * The released versions of a record, oldest first.
     *
     * @param recordName the simple record name, for example {@code Sample}
     * @return the parsed schemas, v1 first; empty when the record has no history
     */
    public static List<Schema> versions(String recordName) {
        List<Schema> result = new ArrayList<>();
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        for (int v = 1; ; v++) {
            String path = ROOT + recordName + "/v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return result;
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                result.add(new Schema.Parser().parse(text));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history " + path, e);
            }
        }
    }
}
