package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The learning core stays plain Java: no Quarkus, Kafka or CDI in {@code model}, {@code eval}, {@code ood} and {@code uncertainty},
 * and only {@code model} touches Deeplearning4j/ND4J. Reads the source files, so it needs no extra
 * library; add packages to the lists as the core grows.
 */
class LearningCoreDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/mnemo/learner");
    private static final List<String> CORE = List.of("model", "eval", "checkpoint", "ood", "uncertainty");
    private static final List<String> WITHOUT_DL4J = List.of("eval", "checkpoint", "ood", "uncertainty");

    @Test
    void coreImportsNeitherQuarkusNorKafka() {
        for (String pkg : CORE) {
            assertThat(importsOf(pkg))
                    .as("imports of package %s", pkg)
                    .noneMatch(
                            i -> i.startsWith("io.quarkus") || i.startsWith("org.apache.kafka")
                                    || i.startsWith("jakarta.") || i.startsWith("io.smallrye")
                                    || i.startsWith("dev.mnemo.learner.stream")
                                    || i.startsWith("dev.mnemo.learner.service"));
        }
    }

    @Test
    void onlyModelImportsDeeplearning4j() {
        for (String pkg : WITHOUT_DL4J) {
            assertThat(importsOf(pkg))
                    .as("imports of package %s", pkg)
                    .noneMatch(
                            i -> i.startsWith("org.deeplearning4j") || i.startsWith("org.nd4j")
                                    || i.startsWith("org.bytedeco"));
        }
    }

    private static List<String> importsOf(String pkg) {
        Path dir = SOURCES.resolve(pkg);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            return files
                    .filter(f -> f.toString().endsWith(".java"))
                    .flatMap(LearningCoreDependenciesTest::lines)
                    .map(String::trim)
                    .filter(l -> l.startsWith("import "))
                    .map(l -> l.substring("import ".length()).replace("static ", "").replace(";", "").trim())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
