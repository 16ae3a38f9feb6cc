package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaOptionsTest {

    @Test
    void defaultsPickAFreePortAndATemporaryDirectory() {
        EmbeddedKafkaOptions options = EmbeddedKafkaOptions.defaults();

        assertThat(options.port()).isZero();
        assertThat(options.dataDir()).isNull();
        assertThat(options.temporaryDataDir()).isTrue();
        assertThat(options.overrides()).isEmpty();
    }

    @Test
    void withMethodsReturnNewRecordsAndLeaveTheOriginalAlone() {
        EmbeddedKafkaOptions defaults = EmbeddedKafkaOptions.defaults();

        EmbeddedKafkaOptions changed = defaults.withPort(19092)
                .withDataDir(Path.of("kafka-data"))
                .withOverride("log.retention.ms", "1000")
                .withOverride("num.partitions", "3")
                .withOverride("log.retention.ms", "2000");

        assertThat(changed).isEqualTo(new EmbeddedKafkaOptions(19092, Path.of("kafka-data"),
                Map.of("log.retention.ms", "2000", "num.partitions", "3")));
        assertThat(changed.temporaryDataDir()).isFalse();
        assertThat(defaults).isEqualTo(EmbeddedKafkaOptions.defaults());
    }

    @Test
    void overridesAreCopiedAndImmutable() {
        Map<String, String> source = new HashMap<>(Map.of("num.partitions", "3"));
        EmbeddedKafkaOptions options = new EmbeddedKafkaOptions(0, null, source);
        source.put("num.partitions", "9");

        assertThat(options.overrides()).containsExactly(Map.entry("num.partitions", "3"));
        assertThatThrownBy(() -> options.overrides().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new EmbeddedKafkaOptions(0, null, null).overrides()).isEmpty();
    }

    @Test
    void portOutsideTheTcpRangeIsRefusedWithTheAllowedRange() {
        assertThatThrownBy(() -> EmbeddedKafkaOptions.defaults().withPort(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535 (0 picks a free port), was -1");
        assertThatThrownBy(() -> EmbeddedKafkaOptions.defaults().withPort(65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 65536");
        assertThat(EmbeddedKafkaOptions.defaults().withPort(65_535).port()).isEqualTo(65_535);
    }

    @Test
    void keysThatWireTheNodeTogetherCannotBeOverridden() {
        assertThatThrownBy(() -> EmbeddedKafkaOptions.defaults().withOverride("listeners", "PLAINTEXT://:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the embedded broker sets [listeners] itself")
                .hasMessageContaining("log.dirs");
    }

    @Test
    void blankKeysAndNullValuesAreRefused() {
        assertThatThrownBy(() -> EmbeddedKafkaOptions.defaults().withOverride(" ", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-blank");
        assertThatThrownBy(() -> EmbeddedKafkaOptions.defaults().withOverride("num.partitions", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("override num.partitions must have a value, was null");
    }

    @Test
    void scramUsersTurnSaslOnAndAreChecked() {
        EmbeddedKafkaOptions options = EmbeddedKafkaOptions.defaults().withScramUser("alice", "s3cret");

        assertThat(options.sasl()).isTrue();
        assertThat(options.scramUsers()).containsExactly(Map.entry("alice", "s3cret"));
        assertThat(EmbeddedKafkaOptions.defaults().sasl()).isFalse();
        assertThatThrownBy(() -> EmbeddedKafkaOptions.defaults().withScramUser("bob", "a,b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SCRAM password of bob must be non-blank without '=', ',', '[', ']', '\"' or spaces, was 'a,b'");
    }
}
