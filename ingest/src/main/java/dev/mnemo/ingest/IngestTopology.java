package dev.mnemo.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import dev.mnemo.ingest.internals.CheckProcessor;
import dev.mnemo.ingest.internals.Provenance;
import dev.mnemo.ingest.internals.RouteProcessor;
import dev.mnemo.ingest.internals.Routed;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest topology: validate raw samples and late labels, de-duplicate samples, join labels to
 * the samples they belong to, route by label, dead-letter the rest.
 *
 * <p>Two stages. First, {@value #VALIDATE_SAMPLES} and {@value #VALIDATE_LABELS} read
 * {@code samples.raw} and {@code labels} as bytes (so deserialization cannot fail) and check each
 * record on its own (see {@link IngestConfig} for the limits and the README for the reasons); a
 * bad record goes straight to {@code samples.dlq}. The valid ones are re-keyed by (source, id) and
 * written to the internal repartition topic {@code <applicationId>-}{@value #REPARTITION}{@code -repartition},
 * so that a sample, its copies and its late labels meet in one task whatever key they were
 * produced with. Second, {@value #ROUTE} joins late labels with the window store
 * {@value #LABEL_STORE} and de-duplicates samples with the same store, or, when the label
 * retention is shorter than twice the de-duplication window, with the window store
 * {@value #DEDUP_STORE} (see {@link #sharesLabelStore}), then
 * writes {@code samples.labelled}, {@code samples.unlabelled} or {@code samples.dlq}. The stores
 * are persistent (RocksDB) and backed by changelog topics, so they survive restarts and move with
 * their task. By default the topology runs exactly once ({@link IngestConfig.Guarantee}).
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

    /** Name of the source node of {@code samples.raw}. */
    public static final String SOURCE = "samples-raw-source";
    /** Name of the source node of {@code labels}. */
    public static final String LABELS_SOURCE = "labels-source";
    /** Name of the processor that checks samples. */
    public static final String VALIDATE_SAMPLES = "validate-samples";
    /** Name of the processor that checks labels. */
    public static final String VALIDATE_LABELS = "validate-labels";
    /** Name of the repartition step; the internal topic is {@code <applicationId>-ingest-keyed-repartition}. */
    public static final String REPARTITION = "ingest-keyed";
    /** Name of the processor that de-duplicates, joins late labels and routes. */
    public static final String ROUTE = "dedup-join-route";
    /**
     * Window store of the (source, id) of accepted samples, for de-duplication; only when the label
     * retention is shorter than twice the de-duplication window ({@link #sharesLabelStore}).
     */
    public static final String DEDUP_STORE = "mnemo-ingest-dedup";
    /** Window store of accepted samples waiting for a late label, and of the labels already known. */
    public static final String LABEL_STORE = "mnemo-ingest-label-join";
    /** Name of the sink of labelled samples. */
    public static final String LABELLED_SINK = "samples-labelled-sink";
    /** Name of the sink of unlabelled samples. */
    public static final String UNLABELLED_SINK = "samples-unlabelled-sink";
    /** Name of the dead-letter sink of the routing stage. */
    public static final String DEAD_LETTER_SINK = "samples-dlq-sink";
    /** Name of the dead-letter sink of the checking stage. */
    public static final String CHECK_DEAD_LETTER_SINK = "samples-dlq-check-sink";
    /** Header of a sample joined to a late label: label event time minus sample event time, in ms. */
    public static final String LABEL_DELAY_HEADER = RouteProcessor.LABEL_DELAY_HEADER;

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
        return build(config, counters, true);
    }

    /**
     * The topology with persistent (RocksDB) or in-memory stores. In-memory stores exist for
     * tests that push many records through {@code TopologyTestDriver}, which commits, and so
     * flushes RocksDB, after every record.
     */
    static Topology build(IngestConfig config, IngestCounters counters, boolean persistentStores) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(counters, "counters");
        Serde<byte[]> bytes = Serdes.ByteArray();
        StreamsBuilder builder = new StreamsBuilder();
        Duration window = config.dedupWindow();
        Duration retention = config.labelRetention();
        boolean shared = sharesLabelStore(config);
        if (!shared) {
            builder.addStateStore(Stores.windowStoreBuilder(persistentStores
                    ? Stores.persistentWindowStore(DEDUP_STORE, window.multipliedBy(2), window, false)
                    : Stores.inMemoryWindowStore(DEDUP_STORE, window.multipliedBy(2), window, false), bytes, bytes));
        }
        builder.addStateStore(Stores.windowStoreBuilder(persistentStores
                ? Stores.persistentWindowStore(LABEL_STORE, retention, retention, false)
                : Stores.inMemoryWindowStore(LABEL_STORE, retention, retention, false), bytes, bytes));

        KStream<byte[], Routed> samples = builder.stream(config.topics().samplesRaw(),
                        Consumed.with(bytes, bytes).withName(SOURCE))
                .process(CheckProcessor.supplier(Provenance.Kind.SAMPLE, config, counters), Named.as(VALIDATE_SAMPLES));
        KStream<byte[], Routed> labels = builder.stream(config.topics().labels(),
                        Consumed.with(bytes, bytes).withName(LABELS_SOURCE))
                .process(CheckProcessor.supplier(Provenance.Kind.LABEL, config, counters), Named.as(VALIDATE_LABELS));
        KStream<byte[], Routed> checked = samples.merge(labels, Named.as("checked"));
        checked.filter((k, v) -> v.goesTo(Routed.Destination.DEAD_LETTER), Named.as("checked-rejected"))
                .mapValues(Routed::value, Named.as("checked-rejected-value"))
                .to(config.topics().samplesDlq(), Produced.with(bytes, bytes).withName(CHECK_DEAD_LETTER_SINK));
        KStream<byte[], Routed> routed = checked
                .filter((k, v) -> v.goesTo(Routed.Destination.KEYED), Named.as("checked-keyed"))
                .mapValues(Routed::value, Named.as("checked-keyed-value"))
                .repartition(Repartitioned.with(bytes, bytes).withName(REPARTITION))
                .process(RouteProcessor.supplier(config, counters, shared ? LABEL_STORE : DEDUP_STORE, LABEL_STORE),
                        Named.as(ROUTE), shared ? new String[] {LABEL_STORE} : new String[] {DEDUP_STORE, LABEL_STORE});
        route(routed, Routed.Destination.LABELLED, config.topics().samplesLabelled(), LABELLED_SINK);
        route(routed, Routed.Destination.UNLABELLED, config.topics().samplesUnlabelled(), UNLABELLED_SINK);
        route(routed, Routed.Destination.DEAD_LETTER, config.topics().samplesDlq(), DEAD_LETTER_SINK);
        return builder.build();
    }

    /**
     * Whether de-duplication reads the label-join store instead of a store of its own: when the
     * label retention is at least twice the de-duplication window (the defaults: 7 days and 1
     * hour), every accepted sample the window can reach is still in the label-join store, so a
     * second store would only cost one more RocksDB write and one more changelog record per sample.
     */
    public static boolean sharesLabelStore(IngestConfig config) {
        return config.labelRetention().compareTo(config.dedupWindow().multipliedBy(2)) >= 0;
    }

    private static void route(KStream<byte[], Routed> routed, Routed.Destination destination, String topic, String sink) {
        Serde<byte[]> bytes = Serdes.ByteArray();
        routed.filter((k, v) -> v.goesTo(destination), Named.as(sink + "-filter"))
                .mapValues(Routed::value, Named.as(sink + "-value"))
                .to(topic, Produced.with(bytes, bytes).withName(sink));
    }

    /**
     * The topics the topology reads and writes: raw, labels, labelled, unlabelled, dead letters.
     * The repartition and changelog topics are internal: Kafka Streams creates them.
     */
    public static List<String> topics(IngestConfig config) {
        return List.of(config.topics().samplesRaw(), config.topics().labels(), config.topics().samplesLabelled(),
                config.topics().samplesUnlabelled(), config.topics().samplesDlq());
    }

    /**
     * Kafka Streams properties for this topology.
     *
     * <p>Sets the application id, the state folder, the processing guarantee of the config
     * ({@code exactly_once_v2} by default), byte serdes, the log-and-continue handlers for
     * deserialization and processing failures, so that no bad record stops a stream thread, and a
     * timestamp extractor that keeps a record with an invalid timestamp (using the partition time)
     * instead of failing; then applies {@code clientConfig} (bootstrap servers, security, or any Streams setting), which
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
        // A sample is about a kilobyte: the clients' default 16 KiB batches and 1 MiB fetches cap ingest
        // near 2,500 samples/s on two cores; these sizes are the ones bench ingest measures with.
        props.put(StreamsConfig.producerPrefix("batch.size"), 256 * 1024);
        props.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), 8 * 1024 * 1024);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().value());
        props.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                UsePartitionTimeOnInvalidTimestamp.class.getName());
        props.putAll(clientConfig);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        return props;
    }
}
