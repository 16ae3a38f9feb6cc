package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmbeddedKafkaMain} in its own JVM, the way users run it: the packaged jar when the build
 * made one, else the main class on this test's class path.
 */
class EmbeddedKafkaMainIT {

    private static final String READY_LINE = "Mnemo embedded Kafka (KRaft) ready at ";
    private static final long READY_TIMEOUT_S = 90;
    private static final String STDERR = "stderr.log";

    @Test
    void startsWritesTheReadyFileAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path readyFile = dir.resolve("kafka.ready");
        Path dataDir = dir.resolve("data");
        Process process = launch(dir, "--port", "0", "--data-dir", dataDir.toString(), "--ready-file", readyFile.toString());
        try {
            CompletableFuture<List<String>> stdout = lines(process);
            String bootstrap = awaitReadyFile(process, readyFile);

            assertThat(bootstrap).matches("localhost:\\d+");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
                        .containsExactly(1);
            }

            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
            assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
            assertThat(stdout.get(10, TimeUnit.SECONDS)).containsExactly(READY_LINE + bootstrap);
            assertThat(readyFile).doesNotExist();
            assertThat(dir.resolve(STDERR)).content().contains("Embedded Kafka at " + bootstrap + " stopped");
            assertThat(dataDir.resolve("meta.properties")).isRegularFile();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void badArgumentsPrintUsageAndExitWithTwo(@TempDir Path dir) throws Exception {
        Process process = launch(dir, "--port", "65536");
        CompletableFuture<List<String>> stdout = lines(process);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(dir.resolve(STDERR)).content().contains("error: --port must be an integer between 0 and 65535, was 65536")
                .contains("Usage: java -jar mnemo-deploy.jar");
        assertThat(stdout.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void helpPrintsUsageAndExitsWithZero(@TempDir Path dir) throws Exception {
        Process process = launch(dir, "--help");
        CompletableFuture<List<String>> stdout = lines(process);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(stdout.get(10, TimeUnit.SECONDS)).first().asString().startsWith("Usage: java -jar mnemo-deploy.jar");
    }

    /** Starts the main in a new JVM; its standard error goes to {@value #STDERR} in {@code dir}. */
    private static Process launch(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        String jar = System.getProperty("mnemo.deploy.jar");
        if (jar != null && Files.isRegularFile(Path.of(jar))) {
            command.add("-jar");
            command.add(jar);
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(EmbeddedKafkaMain.class.getName());
        }
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(dir.resolve(STDERR).toFile()).start();
    }

    private static CompletableFuture<List<String>> lines(Process process) {
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                return reader.lines().toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String awaitReadyFile(Process process, Path readyFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            if (Files.exists(readyFile)) {
                return Files.readString(readyFile).strip();
            }
            assertThat(process.isAlive()).as("broker process alive while starting").isTrue();
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("no ready file " + readyFile + " after " + READY_TIMEOUT_S + " s");
    }
}
