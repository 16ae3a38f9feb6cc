package dev.mnemo.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.mnemo.ingest.http.IngestHttpServer;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest topology against a Kafka cluster until the process is stopped.
 *
 * <pre>
 * java -jar mnemo-ingest.jar [--bootstrap host:port] [--prefix mnemo.] [--features 784]
 *     [--classes 10] [--partitions 1] [--replication 1] [--state-dir DIR] [--application-id mnemo-ingest]
 *     [--guarantee exactly_once_v2|at_least_once] [--dedup-window 1h] [--label-retention 7d]
 *     [--http-port P] [--http-max-samples 1000]
 * </pre>
 * {@code --http-port} also starts the HTTP intake ({@link IngestHttpServer}: {@code POST /samples},
 * {@code GET /health}) on that port; it is off by default.
 * Durations are a whole number with a unit ({@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h},
 * {@code 7d}) or ISO-8601 ({@code PT1H}).
 * The bootstrap servers default to {@code $KAFKA_BOOTSTRAP_SERVERS}, else {@code localhost:9092}.
 * Missing topics are created with the given partitions and replication. The counters are logged
 * every 10 seconds and at shutdown; a shutdown hook closes Streams cleanly.
 */
public final class IngestMain {

    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);

    private IngestMain() {
    }

    /**
     * The command line.
     *
     * @param bootstrap     Kafka bootstrap servers
     * @param config        the topology settings
     * @param partitions    partitions of topics created here
     * @param replication   replication factor of topics created here
     * @param stateDir      the Streams state folder
     * @param httpPort      port of the HTTP intake, or {@value #HTTP_OFF} for none
     * @param httpMaxSamples most samples per HTTP request
     */
    public record Arguments(String bootstrap, IngestConfig config, int partitions, short replication, Path stateDir,
                            int httpPort, int httpMaxSamples) {

        /** The value of {@code httpPort} that means: no HTTP intake. */
        public static final int HTTP_OFF = -1;

        public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
        public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

        public Arguments {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(stateDir, "stateDir");
            if (bootstrap.isBlank()) {
                throw new IllegalArgumentException("--bootstrap must not be blank");
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
            }
            if (replication < 1) {
                throw new IllegalArgumentException("--replication must be >= 1, got " + replication);
            }
            if (httpPort != HTTP_OFF && (httpPort < 0 || httpPort > 65_535)) {
                throw new IllegalArgumentException("--http-port must be in [0, 65535], got " + httpPort);
            }
            if (httpMaxSamples < 1) {
                throw new IllegalArgumentException("--http-max-samples must be >= 1, got " + httpMaxSamples);
            }
        }

        /**
         * Parses the arguments.
         *
         * @param env the environment, for {@value #BOOTSTRAP_ENV}
         * @throws IllegalArgumentException for an unknown option, a missing value or a value out of range
         */
        public static Arguments parse(String[] args, Map<String, String> env) {
            Map<String, String> options = CommandLine.parse(args, List.of("--bootstrap", "--prefix", "--features",
                    "--classes", "--max-record-bytes", "--partitions", "--replication", "--state-dir", "--application-id",
                    "--guarantee", "--dedup-window", "--label-retention", "--http-port", "--http-max-samples"), false)
                    .options();
            String bootstrap = options.getOrDefault("--bootstrap",
                    env.getOrDefault(BOOTSTRAP_ENV, DEFAULT_BOOTSTRAP));
            IngestConfig defaults = IngestConfig.defaults();
            IngestConfig config = new IngestConfig(
                    Topics.withPrefix(options.getOrDefault("--prefix", Topics.DEFAULT_PREFIX)),
                    integer(options, "--features", defaults.features()),
                    integer(options, "--classes", defaults.classes()),
                    integer(options, "--max-record-bytes", defaults.maxRecordBytes()),
                    options.getOrDefault("--application-id", defaults.applicationId()),
                    IngestConfig.Guarantee.of(options.getOrDefault("--guarantee", defaults.guarantee().value())),
                    duration(options, "--dedup-window", defaults.dedupWindow()),
                    duration(options, "--label-retention", defaults.labelRetention()));
            Path stateDir = Path.of(options.getOrDefault("--state-dir",
                    Path.of(System.getProperty("java.io.tmpdir"), "mnemo-ingest-state").toString()));
            int replication = integer(options, "--replication", 1);
            if (replication > Short.MAX_VALUE) {
                throw new IllegalArgumentException("--replication must be <= " + Short.MAX_VALUE + ", got " + replication);
            }
            return new Arguments(bootstrap, config, integer(options, "--partitions", 1), (short) replication, stateDir,
                    integer(options, "--http-port", HTTP_OFF),
                    integer(options, "--http-max-samples", IngestHttpServer.Options.DEFAULT_MAX_SAMPLES));
        }

        /**
         * A duration: a whole number with a unit ({@code ms}, {@code s}, {@code m}, {@code h},
         * {@code d}), or ISO-8601 such as {@code PT1H}.
         *
         * @throws IllegalArgumentException for anything else
         */
        static Duration duration(Map<String, String> options, String name, Duration fallback) {
            String value = options.get(name);
            if (value == null) {
                return fallback;
            }
            String v = value.strip();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})(ms|s|m|h|d)").matcher(v);
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    return switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                }
                return Duration.parse(v);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + " must be a duration such as 500ms, 90s, 15m, 1h, 7d or PT1H, got '"
                        + value + "'");
            }
        }

        private static int integer(Map<String, String> options, String name, int fallback) {
            String value = options.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
            }
        }
    }

    public static void main(String[] args) throws InterruptedException, java.io.IOException {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("mnemo-ingest: " + e.getMessage());
            System.exit(2);
            return;
        }
        IngestConfig config = arguments.config();
        Map<String, Object> client = KafkaSecurity.clientConfig(arguments.bootstrap(), System.getenv());
        var created = TopicAdmin.ensure(client, IngestTopology.topics(config), arguments.partitions(),
                arguments.replication());
        if (!created.isEmpty()) {
            LOG.info("created topics {}", created);
        }
        IngestService service = IngestService.start(config, client, arguments.stateDir());
        IngestHttpServer http = null;
        if (arguments.httpPort() != Arguments.HTTP_OFF) {
            try {
                http = IngestHttpServer.start(config, client, IngestHttpServer.Options.onPort(arguments.httpPort())
                        .withMaxSamples(arguments.httpMaxSamples()), () -> {
                            KafkaStreams.State state = service.state();
                            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
                            return new IngestHttpServer.Health(up, Map.of("ingest", state.name(),
                                    "received", service.counters().snapshot().received()));
                        });
            } catch (java.io.IOException | RuntimeException e) {
                service.close();
                throw e;
            }
            LOG.info("HTTP intake on port {}: POST /samples, GET /health", http.port());
        }
        IngestHttpServer httpServer = http;
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mnemo-ingest-counters");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> LOG.info("counters: {}; {}", service.counters().snapshot(),
                        service.counters().labelSnapshot()),
                LOG_EVERY.toMillis(), LOG_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdownNow();
            if (httpServer != null) {
                httpServer.close();
            }
            service.close();
            LOG.info("stopped; final counters: {}; {}", service.counters().snapshot(),
                    service.counters().labelSnapshot());
            stopped.countDown();
        }, "mnemo-ingest-shutdown"));
        if (service.awaitRunning(Duration.ofMinutes(5))) {
            System.out.println("Mnemo ingest running (bootstrap=" + arguments.bootstrap() + ", in="
                    + config.topics().samplesRaw() + "," + config.topics().labels() + ", out=" + config.topics().samplesLabelled() + ","
                    + config.topics().samplesUnlabelled() + "," + config.topics().samplesDlq() + ", guarantee=" + config.guarantee().value() + ")");
        } else if (service.state() != KafkaStreams.State.RUNNING) {
            LOG.warn("ingest is not RUNNING after 5 minutes (state {})", service.state());
        }
        stopped.await();
    }
}
