package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The drift package is plain Java: only {@code java.*} and itself. */
class DriftPackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/mnemo/learner/drift");

    @Test
    void importsOnlyTheJdkAndItself() throws IOException {
        assertThat(SOURCES).isDirectory();
        List<String> imports;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            imports = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(DriftPackageDependenciesTest::lines)
                    .map(String::trim)
                    .filter(l -> l.startsWith("import "))
                    .map(l -> l.substring("import ".length()).replace("static ", "").replace(";", "").trim())
                    .toList();
        }
        assertThat(imports).isNotEmpty()
                .allMatch(i -> i.startsWith("java.") || i.startsWith("dev.mnemo.learner.drift"));
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
