package dev.mnemo.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceMainTest {

    @TempDir
    Path dir;

    @Test
    void parsesOptionsAndDefaultsTheFormatFromTheName() {
        ProduceMain.Arguments a = ProduceMain.Arguments.parse(new String[] {"data/digits.csv.gz", "--prefix", "t.",
                "--rate=100", "--max", "50", "--unlabelled-fraction", "0.3"}, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9"));
        assertThat(a.bootstrap()).isEqualTo("k:9");
        assertThat(a.format()).isEqualTo(ProduceMain.Format.CSV);
        assertThat(a.topic()).isEqualTo("t.samples.raw");
        assertThat(a.sourceName()).isEqualTo("digits");
        assertThat(a.limits()).isEqualTo(new Producing.Limits(100, 50));
        assertThat(ProduceMain.Arguments.parse(new String[] {"l.jsonl", "--topic", "labels"}, Map.of()).topic())
                .isEqualTo("mnemo.labels");
        assertThat(ProduceMain.Arguments.parse(new String[] {"train-images-idx3-ubyte"}, Map.of()).format())
                .isEqualTo(ProduceMain.Format.IDX);
    }

    @Test
    void refusesBadCommandLines() {
        assertThatThrownBy(() -> ProduceMain.Arguments.parse(new String[] {"x.txt"}, Map.of()))
                .hasMessage("cannot tell the format of 'x.txt' from its name; give --format csv|jsonl|idx");
        assertThatThrownBy(() -> ProduceMain.Arguments.parse(new String[] {"x.csv", "--topic", "out"}, Map.of()))
                .hasMessage("--topic must be raw or labels, got 'out'");
        assertThatThrownBy(() -> ProduceMain.Arguments.parse(new String[] {"x.csv", "--speed", "1"}, Map.of()))
                .hasMessageStartingWith("unknown option --speed");
        assertThatThrownBy(() -> ProduceMain.Arguments.parse(new String[] {"x.jsonl", "--unlabelled-fraction", "0.2"},
                Map.of())).hasMessageStartingWith("--unlabelled-fraction applies to csv and idx datasets");
        assertThatThrownBy(() -> ProduceMain.Arguments.parse(new String[0], Map.of()))
                .hasMessage("give the file to send");
        assertThatThrownBy(() -> ProduceMain.Arguments.parse(new String[] {"x.csv", "--rate", "-1"}, Map.of()))
                .hasMessage("rate must be >= 0 and finite (0 = no limit), got -1.0");
    }

    @Test
    void missingFileExitsWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ProduceMain.run(new String[] {dir.resolve("none.csv").toString()}, Map.of(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mnemo produce: no such file: ");
    }

    @Test
    void countsNonBlankLinesOfPlainFiles() throws IOException {
        Path f = dir.resolve("a.csv");
        Files.writeString(f, "h\n1\n\n2\r\n3");
        assertThat(ProduceMain.countLines(f)).isEqualTo(OptionalLong.of(4));
        assertThat(ProduceMain.labelFileFor(Path.of("/d/train-images-idx3-ubyte.gz")))
                .isEqualTo(Path.of("/d/train-labels-idx1-ubyte.gz"));
        assertThat(ProduceMain.stem(Path.of("x/digits.csv.gz"))).isEqualTo("digits");
    }
}
