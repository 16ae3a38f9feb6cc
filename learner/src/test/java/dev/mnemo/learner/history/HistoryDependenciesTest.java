package dev.mnemo.learner.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The replay runs from a plain main class: no Quarkus, CDI or SmallRye; it shares no code path with
 * the production loop ({@code stream}, {@code service}); and it reaches the models only through
 * {@code model}, never Deeplearning4j directly. Reads the source files.
 */
class HistoryDependenciesTest {

    @Test
    void historyNeedsNoServiceAndNoDeeplearning4j() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/mnemo/learner/history"))) {
            List<String> imports = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(HistoryDependenciesTest::lines).map(String::trim).filter(l -> l.startsWith("import "))
                    .toList();
            assertThat(imports).isNotEmpty().noneMatch(i -> i.contains("io.quarkus") || i.contains("jakarta.")
                    || i.contains("io.smallrye") || i.contains("dev.mnemo.learner.stream")
                    || i.contains("dev.mnemo.learner.service") || i.contains("org.deeplearning4j")
                    || i.contains("org.nd4j"));
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
