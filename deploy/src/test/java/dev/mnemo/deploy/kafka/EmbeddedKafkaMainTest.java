package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and the ready file of {@link EmbeddedKafkaMain}, without a broker. */
class EmbeddedKafkaMainTest {

    @Test
    void noArgumentsMeanPort9092AndATemporaryDirectory() {
        MainArguments args = MainArguments.parse(List.of());

        assertThat(args).isEqualTo(new MainArguments(9092, null, null, false));
        assertThat(args.options()).isEqualTo(EmbeddedKafkaOptions.defaults().withPort(9092));
    }

    @Test
    void parsesEveryOptionInBothSpellings() {
        MainArguments spaced = MainArguments.parse(
                List.of("--port", "19092", "--data-dir", "data/kafka", "--ready-file", "/tmp/kafka.ready"));
        MainArguments joined = MainArguments.parse(
                List.of("--port=19092", "--data-dir=data/kafka", "--ready-file=/tmp/kafka.ready"));

        MainArguments expected = new MainArguments(19092, Path.of("data/kafka"), Path.of("/tmp/kafka.ready"), false);
        assertThat(spaced).isEqualTo(expected);
        assertThat(joined).isEqualTo(expected);
        assertThat(spaced.options()).isEqualTo(new EmbeddedKafkaOptions(19092, Path.of("data/kafka"), null));
    }

    @Test
    void helpWinsOverEverythingElse() {
        assertThat(MainArguments.parse(List.of("--port", "1", "--help")).help()).isTrue();
        assertThat(MainArguments.parse(List.of("-h")).help()).isTrue();
        assertThat(MainArguments.USAGE).startsWith("Usage: java -jar mnemo-deploy.jar")
                .contains("--port PORT", "--data-dir DIR", "--ready-file FILE", "--help");
    }

    @Test
    void portsOutsideTheRangeOrNotNumbersAreRefusedWithTheRange() {
        assertThatThrownBy(() -> MainArguments.parse(List.of("--port", "70000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--port must be an integer between 0 and 65535, was 70000");
        assertThatThrownBy(() -> MainArguments.parse(List.of("--port", "ninety")))
                .hasMessage("--port must be an integer between 0 and 65535, was ninety");
        assertThatThrownBy(() -> MainArguments.parse(List.of("--port")))
                .hasMessage("--port must be an integer between 0 and 65535, was missing");
    }

    @Test
    void unknownArgumentsAndMissingPathsAreRefused() {
        assertThatThrownBy(() -> MainArguments.parse(List.of("--verbose")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown argument: --verbose (allowed: --port, --data-dir, --ready-file, --help)");
        assertThatThrownBy(() -> MainArguments.parse(List.of("--data-dir")))
                .hasMessage("--data-dir needs a path");
        assertThatThrownBy(() -> MainArguments.parse(List.of("--ready-file", "--port", "1")))
                .hasMessage("--ready-file needs a path");
    }

    @Test
    void readyFileHoldsTheAddressAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path readyFile = dir.resolve("nested/kafka.ready");

        ReadyFile.write(readyFile, "localhost:19092");
        ReadyFile.write(readyFile, "localhost:19093");

        assertThat(Files.readString(readyFile)).isEqualTo("localhost:19093" + System.lineSeparator());
        try (Stream<Path> files = Files.list(readyFile.getParent())) {
            assertThat(files).containsExactly(readyFile);
        }
    }
}
