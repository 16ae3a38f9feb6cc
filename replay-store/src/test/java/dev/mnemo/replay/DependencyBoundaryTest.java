package dev.mnemo.replay;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The module stays free of Kafka and deep-learning classes: no compiled class refers to them. */
class DependencyBoundaryTest {

    private static final List<String> FORBIDDEN = List.of("org/apache/kafka/", "org/deeplearning4j/", "org/nd4j/", "io/quarkus/");

    @Test
    void mainClassesReferToNoKafkaOrDeepLearningPackage() throws Exception {
        Path classes = Path.of(ReplayBuffer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String forbidden : FORBIDDEN) {
                assertThat(constants).as("%s refers to %s", classes.relativize(file), forbidden).doesNotContain(forbidden);
            }
        }
    }
}
