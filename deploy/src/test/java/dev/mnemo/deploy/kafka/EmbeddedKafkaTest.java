package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link EmbeddedKafka#start} refuses before any broker runs. */
class EmbeddedKafkaTest {

    @Test
    void nullOptionsAreRefused() {
        assertThatThrownBy(() -> EmbeddedKafka.start(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EmbeddedKafkaOptions.defaults()");
    }

    @Test
    void aPortInUseIsReportedClearly() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withPort(port)))
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void anInvalidOverrideFailsAndLeavesNoTemporaryDirectory() throws IOException {
        List<Path> before = temporaryKafkaDirs();

        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withOverride("num.partitions", "many")))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageStartingWith("invalid broker configuration")
                .hasMessageContaining("num.partitions");
        assertThat(temporaryKafkaDirs()).isEqualTo(before);
    }

    @Test
    void aDataDirThatIsAFileIsRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withDataDir(file)))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessage("the Kafka data directory " + file.toAbsolutePath() + " is a file, not a directory");
    }

    private static List<Path> temporaryKafkaDirs() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("mnemo-kafka-")).sorted().toList();
        }
    }
}
