package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The strategy package is plain Java: no Quarkus, Kafka or CDI, and no Deeplearning4j/ND4J (its
 * maths lives in {@code model}). Reads the source files.
 */
class StrategyDependenciesTest {

    @Test
    void importsNoFrameworkAndNoDeeplearning4j() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/mnemo/learner/strategy"))) {
            List<String> imports =
                    files.filter(f -> f.toString().endsWith(".java"))
                            .flatMap(StrategyDependenciesTest::lines)
                            .map(String::trim)
                            .filter(l -> l.startsWith("import "))
                            .toList();
            assertThat(imports).isNotEmpty();
            assertThat(imports)
                    .noneMatch(
                            i -> i.contains("io.quarkus") || i.contains("org.apache.kafka") || i.contains("jakarta.")
                                    || i.contains("org.deeplearning4j") || i.contains("org.nd4j")
                                    || i.contains("org.bytedeco") || i.contains("dev.mnemo.learner.stream")
                                    || i.contains("dev.mnemo.learner.service"));
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
