package dev.mnemo.deploy.kafka;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.security.Provider;
import java.security.Security;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.apache.kafka.common.security.scram.internals.ScramSaslServerProvider;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode, running inside this JVM.
 *
 * <p>The node is both broker and controller ({@code process.roles=broker,controller}), so no other
 * process is needed. {@link #start} formats the data directory on first use (a random cluster id),
 * starts the broker, and returns only once an admin client has seen the broker in the cluster.
 * Clients connect to {@link #bootstrapServers()} on the loopback interface. The broker uses the
 * same jars as any Kafka 4.0 installation, so what works here works against a real cluster.
 *
 * <p>Defaults suit one node: replication factors and minimum in-sync replicas of 1, one partition
 * per new topic, no automatic topic creation, no initial rebalance delay, and a small log cleaner
 * buffer. {@link EmbeddedKafkaOptions} changes the port, the data directory and any other broker
 * property.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults())) {
 *     Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers());
 *     try (Admin admin = Admin.create(config)) {
 *         admin.createTopics(List.of(new NewTopic("mnemo.samples.raw", 1, (short) 1))).all().get();
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** How long {@link #start} waits for the broker to answer before it gives up. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int ATTEMPTS_WITH_PICKED_PORTS = 3;
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

    private final KafkaRaftServer server;
    private final DataDirectory dataDir;
    private final int port;
    private final int saslPort;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, DataDirectory dataDir, int port, int saslPort, Duration startupTime) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        this.saslPort = saslPort;
        this.startupTime = startupTime;
    }

    /**
     * Starts a broker and waits until it accepts clients.
     *
     * @throws IllegalArgumentException if options is {@code null}
     * @throws EmbeddedKafkaException if the port is in use, the data directory cannot be used, or
     *     the broker does not answer within {@link #START_TIMEOUT}
     */
    public static EmbeddedKafka start(EmbeddedKafkaOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use EmbeddedKafkaOptions.defaults()");
        }
        long begin = System.nanoTime();
        requirePortFree(options.port());
        DataDirectory dataDir = DataDirectory.of(options);
        try {
            EmbeddedKafka kafka = startWithRetries(options, dataDir, begin);
            LOG.info("Embedded Kafka (KRaft) ready at {} in {} ms, data in {}",
                    kafka.bootstrapServers(), kafka.startupTime.toMillis(), dataDir.path());
            return kafka;
        } catch (RuntimeException e) {
            releaseQuietly(dataDir);
            throw e;
        }
    }

    /** The address clients connect to, such as {@code localhost:40123}. */
    public String bootstrapServers() {
        return BrokerProperties.ADVERTISED_HOST + ":" + port;
    }

    /**
     * The address of the SASL_PLAINTEXT (SCRAM) listener, such as {@code localhost:40125}.
     *
     * @throws IllegalStateException when the broker was started without SCRAM users
     */
    public String saslBootstrapServers() {
        if (saslPort <= 0) {
            throw new IllegalStateException("this broker has no SASL listener: start it with "
                    + "EmbeddedKafkaOptions.withScramUser(name, password)");
        }
        return BrokerProperties.ADVERTISED_HOST + ":" + saslPort;
    }

    /**
     * The client settings to reach the SASL listener as a SCRAM user: bootstrap servers,
     * {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism} and {@code sasl.jaas.config}.
     *
     * @throws IllegalStateException when the broker was started without SCRAM users
     */
    public Map<String, Object> scramClientConfig(String user, String password) {
        saslBootstrapServers();
        return scramConfig(saslPort, user, password);
    }

    /** The client (PLAINTEXT) port. */
    public int port() {
        return port;
    }

    /** The directory that holds the broker's logs and metadata. */
    public Path dataDir() {
        return dataDir.path();
    }

    /** How long {@link #start} took, from the call until the broker answered an admin client. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Stops the broker, waits until it has stopped, and deletes the data directory when it was a
     * temporary one. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long begin = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            releaseQuietly(dataDir);
        }
        LOG.info("Embedded Kafka at {} stopped in {} ms", bootstrapServers(), millisSince(begin));
    }

    private static EmbeddedKafka startWithRetries(EmbeddedKafkaOptions options, DataDirectory dataDir, long begin) {
        for (int attempt = 1; ; attempt++) {
            int brokerPort = options.port() == 0 ? LoopbackPorts.free() : options.port();
            int controllerPort = LoopbackPorts.free();
            int saslPort = options.sasl() ? LoopbackPorts.free() : 0;
            if (options.sasl()) {
                preferKafkaScram();
            }
            try {
                return startOnce(options, dataDir, brokerPort, controllerPort, saslPort, begin);
            } catch (PortTakenException e) {
                // Picked ports can be taken by another process between picking and binding.
                requirePortFree(options.port());
                if (attempt == ATTEMPTS_WITH_PICKED_PORTS) {
                    throw new EmbeddedKafkaException("the broker could not bind its ports after "
                            + attempt + " attempts: " + e.getCause().getMessage(), e.getCause());
                }
                LOG.warn("Port {} or {} was taken before the broker bound it; retrying with new ports",
                        brokerPort, controllerPort);
            }
        }
    }

    private static EmbeddedKafka startOnce(EmbeddedKafkaOptions options, DataDirectory dataDir,
                                           int brokerPort, int controllerPort, int saslPort, long begin) {
        Properties props = BrokerProperties.of(brokerPort, controllerPort, saslPort, dataDir.path(), options.overrides());
        KafkaConfig config = toConfig(props);
        String clusterId = KraftStorage.formatIfNeeded(config, dataDir.path(), options.scramUsers());
        if (clusterId != null) {
            LOG.info("Formatted KRaft storage in {} with cluster id {}", dataDir.path(), clusterId);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        EmbeddedKafka kafka = null;
        try {
            long deadline = begin + START_TIMEOUT.toNanos();
            runStartup(server, deadline);
            awaitBrokerInCluster(BrokerProperties.ADVERTISED_HOST + ":" + brokerPort, config.nodeId(), deadline);
            if (saslPort > 0) {
                awaitScramUsers(saslPort, options.scramUsers(), deadline);
            }
            kafka = new EmbeddedKafka(server, dataDir, brokerPort, saslPort, Duration.ofNanos(System.nanoTime() - begin));
            return kafka;
        } finally {
            if (kafka == null) {
                shutdownQuietly(server);
            }
        }
    }

    private static KafkaConfig toConfig(Properties props) {
        try {
            return KafkaConfig.fromProps(props, false);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("invalid broker configuration: " + e.getMessage(), e);
        }
    }

    private static void runStartup(KafkaRaftServer server, long deadline) {
        // startup() blocks until the broker is unfenced; run it aside so that a hang becomes a timeout.
        CompletableFuture<Void> startup = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                server.startup();
                startup.complete(null);
            } catch (Throwable t) {
                startup.completeExceptionally(t);
            }
        }, "mnemo-embedded-kafka-startup");
        starter.setDaemon(true);
        starter.start();
        try {
            startup.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new EmbeddedKafkaException("the broker did not start within " + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while the broker was starting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isBindFailure(cause)) {
                throw new PortTakenException(cause);
            }
            throw new EmbeddedKafkaException("the broker failed to start: " + cause.getMessage(), cause);
        }
    }

    private static void awaitBrokerInCluster(String bootstrapServers, int nodeId, long deadline) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes()
                            .get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
                    if (nodes.stream().anyMatch(node -> node.id() == nodeId)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                TimeUnit.MILLISECONDS.sleep(PROBE_INTERVAL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while waiting for the broker at " + bootstrapServers, e);
        }
        throw new EmbeddedKafkaException("the broker at " + bootstrapServers + " did not answer describeCluster within "
                + START_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /**
     * The SCRAM credentials reach the broker's credential cache through the metadata log, a little
     * after the broker first answers: waits until every user authenticates on the SASL listener.
     */
    private static void awaitScramUsers(int saslPort, Map<String, String> users, long deadline) {
        for (Map.Entry<String, String> user : users.entrySet()) {
            Map<String, Object> config = new java.util.HashMap<>(scramConfig(saslPort, user.getKey(), user.getValue()));
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            Exception last = null;
            boolean ready = false;
            int attempts = 0;
            while (!ready && System.nanoTime() < deadline) {
                attempts++;
                try (Admin admin = Admin.create(config)) {
                    admin.describeCluster().nodes().get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
                    ready = true;
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                    sleepQuietly(PROBE_INTERVAL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedKafkaException("interrupted while waiting for the SCRAM users", e);
                }
            }

            if (ready && attempts > 1) {
                LOG.info("SCRAM user {} authenticated after {} attempts", user.getKey(), attempts);
            }
            if (!ready) {
                throw new EmbeddedKafkaException("SCRAM user " + user.getKey() + " could not authenticate on port "
                        + saslPort + " within " + START_TIMEOUT.toSeconds() + " s"
                        + (last == null ? "" : ": " + last.getMessage()), last);
            }
        }
    }

    /**
     * Kafka registers its SCRAM SASL server and client as JVM-wide security providers, once, by
     * name, and {@link javax.security.sasl.Sasl} hands out the registered one. In a JVM where Kafka
     * is loaded by more than one class loader (a Quarkus application under test beside plain tests),
     * the provider registered first may come from another loader; its SCRAM server then cannot read
     * this broker's credential callbacks and refuses every user. Replaces such providers with this
     * loader's, so the broker started now (and clients of this loader) authenticate.
     */
    private static synchronized void preferKafkaScram() {
        replaceForeign("SASL/SCRAM Server Provider", ScramSaslServerProvider.class, ScramSaslServerProvider::initialize);
        replaceForeign("SASL/SCRAM Client Provider", ScramSaslClientProvider.class, ScramSaslClientProvider::initialize);
    }

    private static void replaceForeign(String name, Class<? extends Provider> own, Runnable register) {
        Provider registered = Security.getProvider(name);
        if (registered != null && registered.getClass() != own) {
            Security.removeProvider(name);
            LOG.info("Replaced the {} of another class loader with this one's", name);
        }
        register.run();
    }

    private static void sleepQuietly(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> scramConfig(int saslPort, String user, String password) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BrokerProperties.ADVERTISED_HOST + ":" + saslPort,
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", EmbeddedKafkaOptions.SCRAM_MECHANISM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    private static void requirePortFree(int port) {
        if (port != 0 && LoopbackPorts.inUse(port)) {
            throw new EmbeddedKafkaException("port " + port + " on " + LoopbackPorts.HOST
                    + " is already in use: stop what listens there, or choose another port (0 picks a free one)");
        }
    }

    private static boolean isBindFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static long remainingNanos(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private static long millisSince(long begin) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop a broker that failed to start: {}", e.toString());
        }
    }

    private static void releaseQuietly(DataDirectory dataDir) {
        try {
            dataDir.release();
        } catch (RuntimeException e) {
            LOG.warn("Could not delete the temporary Kafka data directory {}: {}", dataDir.path(), e.toString());
        }
    }

    /** A start that failed because a port was bound by someone else; worth a retry with new ports. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(Throwable cause) {
            super(cause);
        }
    }
}
