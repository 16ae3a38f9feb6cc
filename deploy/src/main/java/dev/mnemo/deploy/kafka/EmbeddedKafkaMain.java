package dev.mnemo.deploy.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded single-node Kafka broker on its own, until the process is interrupted.
 *
 * <p>It starts an {@link EmbeddedKafka}, prints one line {@code Mnemo embedded Kafka (KRaft) ready
 * at localhost:PORT} on standard output, optionally writes the bootstrap address to a ready file,
 * and then waits. SIGINT or SIGTERM stops the broker cleanly and deletes the ready file. Bad
 * arguments print the usage and exit with status 2; a broker that cannot start exits with 1.
 *
 * <pre>{@code
 * java -jar deploy/target/mnemo-deploy.jar --port 9092 --data-dir /var/lib/mnemo/kafka --ready-file /tmp/kafka.ready
 * }</pre>
 */
public final class EmbeddedKafkaMain {

    /** Exit status for arguments that cannot be parsed. */
    public static final int EXIT_USAGE = 2;
    /** Exit status for a broker that cannot start. */
    public static final int EXIT_FAILURE = 1;

    private EmbeddedKafkaMain() {
    }

    /** Parses the arguments, starts the broker and blocks until the JVM shuts down. */
    public static void main(String[] args) {
        MainArguments arguments;
        try {
            arguments = MainArguments.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(MainArguments.USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        if (arguments.help()) {
            System.out.println(MainArguments.USAGE);
            return;
        }
        try {
            run(arguments, System.out);
        } catch (EmbeddedKafkaException | IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(EXIT_FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(MainArguments arguments, PrintStream out) throws IOException, InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start(arguments.options());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                deleteReadyFile(arguments.readyFile());
                kafka.close();
            } finally {
                stopped.countDown();
            }
        }, "mnemo-embedded-kafka-stop"));
        if (arguments.readyFile() != null) {
            ReadyFile.write(arguments.readyFile(), kafka.bootstrapServers());
        }
        out.println("Mnemo embedded Kafka (KRaft) ready at " + kafka.bootstrapServers());
        out.flush();
        stopped.await();
    }

    private static void deleteReadyFile(Path readyFile) {
        if (readyFile == null) {
            return;
        }
        try {
            Files.deleteIfExists(readyFile);
        } catch (IOException e) {
            System.err.println("warning: could not delete the ready file " + readyFile + ": " + e.getMessage());
        }
    }
}
