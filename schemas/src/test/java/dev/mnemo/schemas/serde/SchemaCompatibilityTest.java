package dev.mnemo.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mnemo.schemas.v1.AdminEvent;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.LabelRequest;
import dev.mnemo.schemas.v1.ModelVersion;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;

/**
 * Every schema stays BACKWARD compatible: the current (reader) schema decodes data written with any
 * released version kept under {@code src/main/avro-history}.
 */
class SchemaCompatibilityTest {

    static Stream<Class<? extends SpecificRecord>> records() {
        return Stream.of(Sample.class, LabelFeedback.class, Prediction.class, DriftEvent.class,
                DriftAlert.class, LabelRequest.class, ModelVersion.class, RejectedRecord.class,
                AdminEvent.class);
    }

    @ParameterizedTest
    @MethodSource("records")
    void currentSchemaReadsEveryReleasedVersion(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.get().getSchema(type);
        List<Schema> history = SchemaHistory.versions(current.getName());
        assertThat(history).as("released versions of %s", current.getName()).isNotEmpty();
        for (Schema writer : history) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
            assertThat(result.getType())
                    .as("%s must read data written with %s: %s", current.getName(), writer, result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void newestReleasedVersionIsTheCurrentSchema(Class<? extends SpecificRecord> type) {
        // A changed .avsc without a new history entry would ship a schema that old readers never saw
        // registered, and the compatibility check above would not cover the change.
        Schema current = SpecificData.get().getSchema(type);
        List<Schema> history = SchemaHistory.versions(current.getName());
        assertThat(withoutJavaHints(history.get(history.size() - 1)))
                .as("add schemas/src/main/avro-history/%s/v%d.avsc when %s changes",
                        current.getName(), history.size() + 1, current.getName())
                .isEqualTo(withoutJavaHints(current));
    }

    /** The code generator marks strings with a Java-only hint; it is not part of the contract. */
    private static String withoutJavaHints(Schema schema) {
        return schema.toString()
                .replace("{\"type\":\"string\",\"avro.java.string\":\"String\"}", "\"string\"")
                .replace(",\"avro.java.string\":\"String\"", "");
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyFieldIsDocumented(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.get().getSchema(type);
        assertThat(current.getDoc()).as("doc of %s", current.getName()).isNotBlank();
        for (Schema.Field field : current.getFields()) {
            assertThat(field.doc()).as("doc of %s.%s", current.getName(), field.name()).isNotBlank();
        }
    }

    @Test
    void theCheckRejectsAnIncompatibleChange() {
        // Guard against a vacuous test: a new required field without a default breaks old writers.
        Schema v1 = SchemaHistory.versions("Sample").get(0);
        String broken = v1.toString().replace("\"fields\":[",
                "\"fields\":[{\"name\":\"weight\",\"type\":\"double\",\"doc\":\"no default\"},");
        Schema reader = new Schema.Parser().parse(broken);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, v1).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
