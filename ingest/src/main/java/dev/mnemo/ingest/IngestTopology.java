package dev.mnemo.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import dev.mnemo.ingest.internals.IngestProcessor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The ingest topology: validate raw samples, route them by label, dead-letter the rest.
 *
 * <p>One source reads {@code samples.raw} as bytes (so deserialization cannot fail), one
 * processor ({@value #PROCESSOR}) checks each record (see {@link IngestConfig} for the limits and
 * the README for the reasons), and three sinks write {@code samples.labelled},
 * {@code samples.unlabelled} and {@code samples.dlq}. The topology is stateless: it scales with
 * the partitions of {@code samples.raw}, and needs no store or internal topic.
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.defaults();
 * IngestCounters counters = new IngestCounters();
 * KafkaStreams streams = new KafkaStreams(IngestTopology.build(config, counters),
 *         IngestTopology.streamsProperties(config, Map.of("bootstrap.servers", "localhost:9092"),
 *                 Path.of("/tmp/mnemo-ingest")));
 * streams.start();
 * }</pre>
 */
public final class IngestTopology {

    /** Name of the source node. */
    public static final String SOURCE = "samples-raw-source";
    /** Name of the validating processor. */
    public static final String PROCESSOR = "validate-and-route";
    /** Name of the sink of labelled samples. */
    public static final String LABELLED_SINK = "samples-labelled-sink";
    /** Name of the sink of unlabelled samples. */
    public static final String UNLABELLED_SINK = "samples-unlabelled-sink";
    /** Name of the dead-letter sink. */
    public static final String DEAD_LETTER_SINK = "samples-dlq-sink";

    private IngestTopology() {
    }

    /** The topology, counting into counters that only the Streams metrics expose. */
    public static Topology build(IngestConfig config) {
        return build(config, new IngestCounters());
    }

    /**
     * The topology, counting into the given counters as well as the Streams metrics.
     *
     * @param counters shared by every task of the topology; read them with {@link IngestCounters#snapshot()}
     */
    public static Topology build(IngestConfig config, IngestCounters counters) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(counters, "counters");
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.topics().samplesRaw());
        topology.addProcessor(PROCESSOR,
                IngestProcessor.supplier(config, counters, LABELLED_SINK, UNLABELLED_SINK, DEAD_LETTER_SINK), SOURCE);
        topology.addSink(LABELLED_SINK, config.topics().samplesLabelled(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        topology.addSink(UNLABELLED_SINK, config.topics().samplesUnlabelled(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, config.topics().samplesDlq(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        return topology;
    }

    /** The topics the topology reads and writes: raw, labelled, unlabelled, dead letters. */
    public static List<String> topics(IngestConfig config) {
        return List.of(config.topics().samplesRaw(), config.topics().samplesLabelled(),
                config.topics().samplesUnlabelled(), config.topics().samplesDlq());
    }

    /**
     * Kafka Streams properties for this topology.
     *
     * <p>Sets the application id, the state folder, byte serdes, and the log-and-continue handlers
     * for deserialization and processing failures, so that no bad record stops a stream thread;
     * then applies {@code clientConfig} (bootstrap servers, security, or any Streams setting), which
     * wins over these defaults except for the application id.
     *
     * @param clientConfig at least {@code bootstrap.servers}
     * @param stateDir     the Streams state folder
     */
    public static Properties streamsProperties(IngestConfig config, Map<String, ?> clientConfig, Path stateDir) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clientConfig, "clientConfig");
        Objects.requireNonNull(stateDir, "stateDir");
        Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        props.put(StreamsConfig.producerPrefix("linger.ms"), 5);
        props.putAll(clientConfig);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        return props;
    }
}
