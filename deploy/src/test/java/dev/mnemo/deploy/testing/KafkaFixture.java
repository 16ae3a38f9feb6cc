package dev.mnemo.deploy.testing;

import dev.mnemo.deploy.kafka.EmbeddedKafka;
import dev.mnemo.deploy.kafka.EmbeddedKafkaOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker that Mnemo's integration tests share: one per JVM, started on first use and
 * stopped when the JVM exits.
 *
 * <p>When a Docker engine answers, it is Kafka {@value #KAFKA_IMAGE} in a container; otherwise it
 * is the in-process {@link EmbeddedKafka} KRaft broker. Set {@value #KIND_SETTING} (a system
 * property or an environment variable, the property wins) to {@code embedded} or
 * {@code testcontainers} to force one. A forced kind that cannot start fails the test instead of
 * falling back. Modules without Testcontainers on their test class path always get the embedded
 * broker.
 *
 * <p>Tests share the broker, so each test gets its own topics through {@link #uniquePrefix}.
 *
 * <pre>{@code
 * KafkaFixture kafka = KafkaFixture.shared();
 * String topic = kafka.uniquePrefix("IngestIT.routesLabelled") + "samples.raw";
 * kafka.createTopics(3, topic);
 * Map<String, Object> config = kafka.clientConfig();
 * config.put(ProducerConfig.ACKS_CONFIG, "all");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class KafkaFixture {

    /** The system property or environment variable that forces a broker kind. */
    public static final String KIND_SETTING = "MNEMO_TEST_KAFKA";
    /** The container image used when Docker answers; the same Kafka version as the embedded broker. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.0.0";
    /** The most partitions {@link #createTopics} creates per topic. */
    public static final int MAX_PARTITIONS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);
    private static final String TESTCONTAINERS_PROBE = "org.testcontainers.DockerClientFactory";
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern NOT_TOPIC_SAFE = Pattern.compile("[^A-Za-z0-9-]+");
    private static final int MAX_NAME_LENGTH = 80;

    private static KafkaFixture shared;
    private static RuntimeException sharedFailure;

    private final BrokerKind kind;
    private final String bootstrapServers;
    private final AutoCloseable broker;
    private final AtomicInteger prefixCounter = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();

    KafkaFixture(BrokerKind kind, String bootstrapServers, AutoCloseable broker) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
    }

    /**
     * The broker of this JVM, started on the first call.
     *
     * @throws IllegalArgumentException if {@value #KIND_SETTING} names no kind
     * @throws IllegalStateException if the broker cannot start (also on later calls)
     */
    public static synchronized KafkaFixture shared() {
        if (sharedFailure != null) {
            throw new IllegalStateException("the shared Kafka broker failed to start earlier: "
                    + sharedFailure.getMessage(), sharedFailure);
        }
        if (shared == null) {
            try {
                shared = start(requestedKind());
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "mnemo-kafka-fixture-stop"));
        }
        return shared;
    }

    /** Where clients connect, such as {@code localhost:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code "testcontainers"} or {@code "embedded"}. */
    public String kind() {
        return kind.label();
    }

    /** A new mutable client configuration that holds {@code bootstrap.servers}; add to it freely. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /**
     * A topic-name prefix no other caller in this JVM gets, such as
     * {@code it.IngestIT-routesLabelled.3.}: {@code it.}, the test name with characters outside
     * {@code [A-Za-z0-9-]} replaced by {@code -} (at most 80 characters), a counter, and a dot.
     *
     * @throws IllegalArgumentException if the test name is null or blank
     */
    public String uniquePrefix(String testName) {
        if (testName == null || testName.isBlank()) {
            throw new IllegalArgumentException("testName must be a non-blank test name, such as \"IngestIT.dedupes\"");
        }
        return "it." + topicSafe(testName) + "." + prefixCounter.incrementAndGet() + ".";
    }

    /**
     * Creates topics with replication factor 1 and waits until every partition has a leader.
     *
     * @param partitions partitions per topic, 1 to {@value #MAX_PARTITIONS}
     * @param names topic names, at least one
     * @throws IllegalArgumentException for a partition count out of range or no or blank names
     * @throws IllegalStateException if Kafka refuses a topic (one that exists, for instance) or
     *     does not create them within 30 s
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException(
                    "partitions must be between 1 and " + MAX_PARTITIONS + ", was " + partitions);
        }
        if (names == null || names.length == 0 || Arrays.stream(names).anyMatch(n -> n == null || n.isBlank())) {
            throw new IllegalArgumentException("names must hold at least one topic name, none blank, was "
                    + (names == null ? "null" : Arrays.toString(names)));
        }
        List<NewTopic> topics = Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(clientConfig())) {
            admin.createTopics(topics).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, Set.of(names), deadline);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + Arrays.toString(names)
                    + " on " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        }
    }

    @Override
    public String toString() {
        return "KafkaFixture[" + kind.label() + " at " + bootstrapServers + "]";
    }

    static KafkaFixture start(String requested) {
        boolean forced = requested != null && !requested.isBlank();
        boolean testcontainers = testcontainersOnClassPath();
        BrokerKind kind = BrokerKind.choose(requested, () -> testcontainers && ContainerKafka.dockerAvailable());
        if (kind == BrokerKind.EMBEDDED) {
            return startEmbedded(forced ? KIND_SETTING + "=" + requested.trim()
                    : testcontainers ? "no Docker engine answered" : "Testcontainers is not on the class path");
        }
        if (!testcontainers) {
            throw new IllegalStateException(KIND_SETTING + "=testcontainers, but Testcontainers is not on the test "
                    + "class path: add org.testcontainers:testcontainers-kafka as a test dependency");
        }
        if (forced && !ContainerKafka.dockerAvailable()) {
            throw new IllegalStateException(KIND_SETTING + "=testcontainers, but no Docker engine answers");
        }
        try {
            return startContainer();
        } catch (RuntimeException e) {
            if (forced) {
                throw new IllegalStateException("could not start Kafka in a container (" + KAFKA_IMAGE + "): "
                        + e.getMessage(), e);
            }
            LOG.warn("Docker answered but the Kafka container did not start ({}); using the embedded broker",
                    e.toString());
            return startEmbedded("the Kafka container did not start");
        }
    }

    static String topicSafe(String testName) {
        String safe = NOT_TOPIC_SAFE.matcher(testName.trim()).replaceAll("-");
        safe = trimDashes(safe);
        if (safe.length() > MAX_NAME_LENGTH) {
            safe = trimDashes(safe.substring(0, MAX_NAME_LENGTH));
        }
        return safe.isEmpty() ? "test" : safe;
    }

    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            broker.close();
        } catch (Exception e) {
            LOG.warn("Could not stop the {} Kafka broker at {}: {}", kind.label(), bootstrapServers, e.toString());
        }
    }

    private static KafkaFixture startContainer() {
        long begin = System.nanoTime();
        ContainerKafka container = ContainerKafka.start(KAFKA_IMAGE);
        LOG.info("Kafka for integration tests: {} in a container at {} (Docker answered), ready in {} ms",
                KAFKA_IMAGE, container.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        return new KafkaFixture(BrokerKind.TESTCONTAINERS, container.bootstrapServers(), container);
    }

    private static KafkaFixture startEmbedded(String reason) {
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults());
        LOG.info("Kafka for integration tests: embedded KRaft broker at {} ({}), ready in {} ms",
                kafka.bootstrapServers(), reason, kafka.startupTime().toMillis());
        return new KafkaFixture(BrokerKind.EMBEDDED, kafka.bootstrapServers(), kafka);
    }

    private static String requestedKind() {
        String property = System.getProperty(KIND_SETTING);
        return property != null && !property.isBlank() ? property : System.getenv(KIND_SETTING);
    }

    private static boolean testcontainersOnClassPath() {
        try {
            Class.forName(TESTCONTAINERS_PROBE, false, KafkaFixture.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void awaitLeaders(Admin admin, Set<String> names, long deadline)
            throws InterruptedException, TimeoutException {
        // Creation returns once the controller has committed the topics; the broker applies them a moment later.
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                boolean led = described.values().stream()
                        .flatMap(topic -> topic.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                last = e;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        TimeoutException timeout = new TimeoutException("topics " + names + " had no leaders after "
                + TOPIC_TIMEOUT.toSeconds() + " s");
        if (last != null) {
            timeout.initCause(last);
        }
        throw timeout;
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
