package dev.mnemo.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./mnemo up} as a child process, started the way a user starts it, with handles on the
 * processes it supervises (through the pid files it writes into its data directory).
 *
 * <p>The jars must exist: the Maven build packages them before this module's tests run, and
 * {@code MNEMO_SKIP_BUILD} keeps the command from building again. The command runs under
 * {@code env --default-signal=INT}: a process started in the background by a non-interactive
 * shell inherits SIGINT as ignored, and a shell cannot trap a signal ignored on entry, so without
 * it Ctrl-C (SIGINT) could not be tested reliably.
 *
 * <pre>{@code
 * try (MnemoUp up = MnemoUp.start(dataDir, home, MnemoUp.Ports.free(), Map.of(), Duration.ofMinutes(3))) {
 *     long learner = up.pid("learner");
 *     JsonNode status = up.status().orElseThrow();
 * }
 * }</pre>
 */
final class MnemoUp implements AutoCloseable {

    /** The repository root: the {@code mnemo} command and the packaged jars. */
    static final Path ROOT = Path.of(System.getProperty("mnemo.root", "..")).toAbsolutePath().normalize();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The broker's client port and the learner's HTTP port. */
    record Ports(int broker, int http) {
        Ports {
            if (broker < 1 || broker > 65_535 || http < 1 || http > 65_535) {
                throw new IllegalArgumentException("ports must be in [1, 65535], got " + broker + " and " + http);
            }
        }

        /** Two ports that are free now. */
        static Ports free() {
            try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
                return new Ports(a.getLocalPort(), b.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String bootstrap() {
            return "localhost:" + broker;
        }
    }

    private final Process process;
    private final Path dataDir;
    private final Path output;
    private final Ports ports;

    private MnemoUp(Process process, Path dataDir, Path output, Ports ports) {
        this.process = process;
        this.dataDir = dataDir;
        this.output = output;
        this.ports = ports;
    }

    /**
     * Runs {@code ./mnemo up --data-dir dataDir} and returns once it prints that it is up.
     *
     * @param home the folder for the command's run logs ({@code MNEMO_HOME})
     * @param env extra environment, for example learner settings such as {@code MNEMO_STRATEGY_NAME}
     * @throws AssertionError when the command exits or is not up within {@code timeout}
     */
    static MnemoUp start(Path dataDir, Path home, Ports ports, Map<String, String> env, Duration timeout)
            throws IOException {
        Files.createDirectories(home);
        Path output = Files.createTempFile(home, "up-", ".log");
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", ROOT.resolve("mnemo").toString(),
                "up", "--data-dir", dataDir.toString(), "--port", String.valueOf(ports.broker()),
                "--http-port", String.valueOf(ports.http()), "--features", String.valueOf(SyntheticSamples.FEATURES)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("MNEMO_HOME", home.toString());
        builder.environment().put("MNEMO_SKIP_BUILD", "1");
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().putAll(env);
        MnemoUp up = new MnemoUp(builder.start(), dataDir, output, ports);
        try {
            Poll.until(timeout, "./mnemo up prints that it is up", up::diagnostics, () -> {
                if (!up.process.isAlive()) {
                    throw new AssertionError("./mnemo up exited with " + up.process.exitValue() + ":\n" + up.output());
                }
                return up.output().contains("Mnemo is up.");
            });
        } catch (RuntimeException | AssertionError e) {
            up.close();
            throw e;
        }
        return up;
    }

    Ports ports() {
        return ports;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The pid of {@code ./mnemo up} itself. */
    long pid() {
        return process.pid();
    }

    /** The pid in {@code pids/NAME.pid} (kafka, ingest, learner), or empty while there is none. */
    OptionalLong currentPid(String name) {
        try {
            String text = Files.readString(dataDir.resolve("pids").resolve(name + ".pid")).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            // Missing between a child's exit and its restart, or caught half written.
            return OptionalLong.empty();
        }
    }

    /** The pid of a supervised process that runs now. */
    long pid(String name) {
        OptionalLong pid = currentPid(name);
        if (pid.isEmpty() || !ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new AssertionError("no running " + name + " process (pid file: " + pid + ")\n" + diagnostics());
        }
        return pid.getAsLong();
    }

    /** Everything the command printed so far. */
    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The learner's {@code GET /status}, or empty while it does not answer. */
    Optional<JsonNode> status() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + ports.http() + "/status")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("bash", "-c", "kill -INT " + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -INT " + process.pid() + " failed");
        }
    }

    /** Waits for the command to end and returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("./mnemo up still runs after " + timeout + "\n" + diagnostics());
        }
        return process.exitValue();
    }

    /** The command's output and the end of each log of its run, for failure messages. */
    String diagnostics() {
        StringBuilder text = new StringBuilder("--- ./mnemo up output:\n").append(output());
        for (String log : List.of("learner.log", "ingest.log", "kafka.log")) {
            try (var runs = Files.list(output.getParent())) {
                runs.filter(Files::isDirectory).sorted().reduce((a, b) -> b).map(run -> run.resolve(log))
                        .filter(Files::isRegularFile).ifPresent(file -> text.append("\n--- ").append(file)
                                .append(" (end):\n").append(tail(file, 40)));
            } catch (IOException e) {
                text.append("\n(").append(e).append(')');
            }
        }
        return text.toString();
    }

    /** Stops the command with SIGTERM and, should anything outlive it, kills what is left. */
    @Override
    public void close() {
        List<ProcessHandle> tree = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(" + e + ")";
        }
    }
}
