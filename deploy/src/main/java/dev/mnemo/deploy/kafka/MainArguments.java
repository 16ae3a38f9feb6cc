package dev.mnemo.deploy.kafka;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line of {@link EmbeddedKafkaMain}, parsed and checked.
 *
 * @param port the client port, 0 to 65535
 * @param dataDir a data directory kept across restarts, or {@code null} for a temporary one
 * @param readyFile where to write the bootstrap address once the broker is ready, or {@code null}
 * @param help whether only the usage was asked for
 */
record MainArguments(int port, Path dataDir, Path readyFile, boolean help) {

    static final int DEFAULT_PORT = 9092;

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar mnemo-deploy.jar [--port PORT] [--data-dir DIR] [--ready-file FILE] [--help]",
            "",
            "Runs a single-node Kafka broker (KRaft, broker and controller in one process) until it is",
            "interrupted (Ctrl-C or SIGTERM).",
            "",
            "  --port PORT        client port on localhost, 0 to 65535 (0 picks a free one); default "
                    + DEFAULT_PORT,
            "  --data-dir DIR     keep logs and metadata in DIR across restarts (formatted on first use);",
            "                     default: a temporary directory deleted on exit",
            "  --ready-file FILE  once ready, write the bootstrap address (localhost:PORT) to FILE;",
            "                     the file is deleted again on exit",
            "  --help             print this help and exit");

    /**
     * Parses {@code --name value} and {@code --name=value} options.
     *
     * @throws IllegalArgumentException naming the argument that is unknown, missing or out of range
     */
    static MainArguments parse(List<String> args) {
        int port = DEFAULT_PORT;
        Path dataDir = null;
        Path readyFile = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.equals("--help") || name.equals("-h")) {
                return new MainArguments(port, dataDir, readyFile, true);
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                value = null;
            }
            switch (name) {
                case "--port" -> port = parsePort(value);
                case "--data-dir" -> dataDir = parsePath(name, value);
                case "--ready-file" -> readyFile = parsePath(name, value);
                default -> throw new IllegalArgumentException("unknown argument: " + arg
                        + " (allowed: --port, --data-dir, --ready-file, --help)");
            }
        }
        return new MainArguments(port, dataDir, readyFile, false);
    }

    /** The broker options these arguments ask for. */
    EmbeddedKafkaOptions options() {
        return EmbeddedKafkaOptions.defaults().withPort(port).withDataDir(dataDir);
    }

    private static int parsePort(String value) {
        String range = "--port must be an integer between 0 and " + EmbeddedKafkaOptions.MAX_PORT;
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(range + ", was missing");
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > EmbeddedKafkaOptions.MAX_PORT) {
                throw new IllegalArgumentException(range + ", was " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(range + ", was " + value, e);
        }
    }

    private static Path parsePath(String name, String value) {
        if (value == null || value.isBlank() || value.startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " is not a valid path: " + value, e);
        }
    }
}
