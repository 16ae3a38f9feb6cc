package dev.mnemo.deploy.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to run an {@link EmbeddedKafka} broker: its client port, its data directory and any broker
 * properties to override.
 *
 * <p>An immutable value: every {@code with...} method returns a new record and leaves this one
 * unchanged. Arguments are checked when the record is made.
 *
 * <ul>
 *   <li>{@code port}: the client (PLAINTEXT) port on the loopback interface, from 0 to 65535;
 *       0 picks a free port.</li>
 *   <li>{@code dataDir}: where the broker keeps its logs and metadata. {@code null} means a new
 *       temporary directory, deleted when the broker is closed. An existing directory that was
 *       formatted before is reused, so its topics and records survive a restart.</li>
 *   <li>{@code overrides}: broker properties (Kafka's own keys, such as {@code log.retention.ms})
 *       that replace the embedded defaults. The keys that wire the single node together (roles,
 *       node listeners, quorum, log directories) cannot be overridden; see
 *       {@link #MANAGED_KEYS}.</li>
 *   <li>{@code scramUsers}: user names and passwords. When not empty the broker opens a second
 *       client listener, {@code SASL_PLAINTEXT} with {@value #SCRAM_MECHANISM}, and creates these
 *       users' SCRAM credentials when it formats its data directory (a directory formatted before
 *       keeps the users it had). The PLAINTEXT listener stays, for the broker itself and for set-up
 *       code; see {@link EmbeddedKafka#saslBootstrapServers()}.</li>
 * </ul>
 *
 * <pre>{@code
 * EmbeddedKafkaOptions options = EmbeddedKafkaOptions.defaults()
 *         .withPort(19092)
 *         .withDataDir(Path.of("target/kafka-data"))
 *         .withOverride("log.retention.ms", "3600000");
 * }</pre>
 *
 * @param port the client port, 0 to 65535 (0 picks a free port)
 * @param dataDir the data directory, or {@code null} for a temporary one
 * @param overrides broker properties that replace the defaults; copied, never {@code null}
 * @param scramUsers SCRAM users (name to password) of the SASL listener; empty for none
 */
public record EmbeddedKafkaOptions(int port, Path dataDir, Map<String, String> overrides,
                                   Map<String, String> scramUsers) {

    /** The SASL mechanism of the SASL listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /** The highest TCP port number. */
    public static final int MAX_PORT = 65_535;

    /**
     * Broker properties the embedded broker sets itself, because they must agree with each other
     * and with the chosen ports and directory. Overriding one of them is refused.
     */
    public static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles",
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "controller.listener.names",
            "inter.broker.listener.name",
            "controller.quorum.voters",
            "controller.quorum.bootstrap.servers",
            "log.dir",
            "log.dirs",
            "metadata.log.dir");

    /** Checks the arguments and copies the overrides and users. */
    public EmbeddedKafkaOptions {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException(
                    "port must be between 0 and " + MAX_PORT + " (0 picks a free port), was " + port);
        }
        overrides = copyOverrides(overrides);
        scramUsers = copyUsers(scramUsers);
    }

    /** Options without SCRAM users (PLAINTEXT only). */
    public EmbeddedKafkaOptions(int port, Path dataDir, Map<String, String> overrides) {
        this(port, dataDir, overrides, Map.of());
    }

    /** A free port, a temporary data directory and no overrides. */
    public static EmbeddedKafkaOptions defaults() {
        return new EmbeddedKafkaOptions(0, null, Map.of());
    }

    /** The same options with another client port, 0 to 65535 (0 picks a free port). */
    public EmbeddedKafkaOptions withPort(int newPort) {
        return new EmbeddedKafkaOptions(newPort, dataDir, overrides, scramUsers);
    }

    /** The same options with another data directory, or {@code null} for a temporary one. */
    public EmbeddedKafkaOptions withDataDir(Path newDataDir) {
        return new EmbeddedKafkaOptions(port, newDataDir, overrides, scramUsers);
    }

    /** The same options with one more broker property override (replacing an earlier one). */
    public EmbeddedKafkaOptions withOverride(String key, String value) {
        Map<String, String> merged = new LinkedHashMap<>(overrides);
        merged.put(key, value);
        return new EmbeddedKafkaOptions(port, dataDir, merged, scramUsers);
    }

    /**
     * The same options with one more SCRAM user of the SASL listener (replacing an earlier one of
     * that name).
     *
     * @throws IllegalArgumentException if the name or password is blank or holds one of
     *     {@code = , [ ] "} or a space
     */
    public EmbeddedKafkaOptions withScramUser(String name, String password) {
        Map<String, String> merged = new LinkedHashMap<>(scramUsers);
        merged.put(name, password);
        return new EmbeddedKafkaOptions(port, dataDir, overrides, merged);
    }

    /** Whether the broker opens the SASL/SCRAM listener. */
    public boolean sasl() {
        return !scramUsers.isEmpty();
    }

    private static Map<String, String> copyUsers(Map<String, String> users) {
        if (users == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> entry : users.entrySet()) {
            check("SCRAM user name", entry.getKey());
            check("SCRAM password of " + entry.getKey(), entry.getValue());
        }
        return Map.copyOf(users);
    }

    private static void check(String what, String value) {
        if (value == null || value.isBlank() || !value.matches("[^=,\\[\\]\" ]+")) {
            throw new IllegalArgumentException(what + " must be non-blank without '=', ',', '[', ']', '\"' or spaces, was '"
                    + value + "'");
        }
    }

    /** Whether the data directory is a temporary one that the broker deletes on close. */
    public boolean temporaryDataDir() {
        return dataDir == null;
    }

    private static Map<String, String> copyOverrides(Map<String, String> overrides) {
        if (overrides == null) {
            return Map.of();
        }
        Set<String> refused = new TreeSet<>();
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            String key = entry.getKey();
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("override keys must be non-blank broker property names");
            }
            if (entry.getValue() == null) {
                throw new IllegalArgumentException("override " + key + " must have a value, was null");
            }
            if (MANAGED_KEYS.contains(key)) {
                refused.add(key);
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("the embedded broker sets " + refused
                    + " itself; overrides may be any broker property except " + new TreeSet<>(MANAGED_KEYS));
        }
        return Map.copyOf(overrides);
    }
}
