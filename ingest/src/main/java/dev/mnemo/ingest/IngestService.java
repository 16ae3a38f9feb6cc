package dev.mnemo.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ingest topology: the Kafka Streams instance and its counters.
 *
 * <p>{@link #start} builds the topology, starts Kafka Streams and returns at once; a stream thread
 * that dies of an unexpected error is replaced, so ingest keeps going. It runs exactly once unless
 * the config or the client map says otherwise (see {@link IngestConfig.Guarantee}); its two stores
 * live under the state folder and are restored from their changelogs when the folder is empty.
 * {@link #close} stops Streams cleanly (the open transaction, or the offsets, committed); a new
 * instance with the same application id takes over from there once the session of the old one
 * has ended ({@code session.timeout.ms}). Topics are not created here: see
 * {@link dev.mnemo.schemas.TopicAdmin#ensure} or {@code IngestMain}.
 *
 * <pre>{@code
 * try (IngestService ingest = IngestService.start(IngestConfig.defaults(),
 *         Map.of("bootstrap.servers", "localhost:9092"), Path.of("/tmp/mnemo-ingest"))) {
 *     ingest.awaitRunning(Duration.ofSeconds(30));
 *     ...
 *     ingest.counters().snapshot();   // received=... labelled=... unlabelled=... rejected=...
 * }
 * }</pre>
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final IngestCounters counters;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    private IngestService(IngestConfig config, Map<String, ?> clientConfig, Path stateDir) {
        this.config = config;
        this.counters = new IngestCounters();
        this.streams = new KafkaStreams(IngestTopology.build(config, counters),
                IngestTopology.streamsProperties(config, clientConfig, stateDir));
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("ingest stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /**
     * Starts ingest.
     *
     * @param clientConfig at least {@code bootstrap.servers}; any Streams setting may be added
     * @param stateDir     the Streams state folder
     */
    public static IngestService start(IngestConfig config, Map<String, ?> clientConfig, Path stateDir) {
        Objects.requireNonNull(config, "config");
        IngestService service = new IngestService(config, clientConfig, stateDir);
        service.streams.start();
        return service;
    }

    public IngestConfig config() {
        return config;
    }

    /** The exact counters of this instance. */
    public IngestCounters counters() {
        return counters;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The metrics of the Streams instance, the ingest counters included. */
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    /**
     * Waits until Streams reports RUNNING for the first time.
     *
     * @return false when the timeout passed first
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops processing without leaving the group ({@link KafkaStreams#pause()}): records wait in
     * their topics until {@link #resume()}. Used to measure other work on the same machine.
     */
    public void pause() {
        streams.pause();
    }

    /** Processes again after {@link #pause()}. */
    public void resume() {
        streams.resume();
    }

    /** Stops Streams, waiting up to 30 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Stops Streams, waiting up to the timeout; returns whether it stopped in time. */
    public boolean close(Duration timeout) {
        return streams.close(timeout);
    }
}
