package dev.mnemo.ingest.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.mnemo.deploy.kafka.EmbeddedKafka;
import dev.mnemo.deploy.kafka.EmbeddedKafkaOptions;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestService;
import dev.mnemo.ingest.IngestTopology;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Measures ingest against a plain producer/consumer pair, on one embedded broker in this process.
 *
 * <p>In one run, after a warm-up of each path:
 * <ol>
 *   <li>(a) plain: a {@link KafkaProducer} sends N MNIST-sized Avro {@link Sample} records (784
 *       features; the real MNIST or Fashion-MNIST pixels when installed, else seeded random
 *       pixels with the same share of zeros) to one topic, and a {@link KafkaConsumer} reads
 *       them; records/s from the first send to the last record read;</li>
 *   <li>(b) ingest: the same records through the ingest topology ({@code exactly_once_v2}),
 *       Avro in and Avro out, from the first send to the last record read with
 *       {@code read_committed} on {@code samples.labelled} and {@code samples.unlabelled};
 *       then the ratio (b)/(a) and the bytes per record;</li>
 *   <li>(c) late-label join latency: L unlabelled samples are ingested, then their labels are
 *       sent paced at R labels/s; for each label, the time from its send to the joined,
 *       labelled sample being readable ({@code read_committed}); p50, p99 and max.</li>
 * </ol>
 * The producers of (a), (b) and (c) use the same settings: {@code acks=all}, {@code linger.ms},
 * {@code batch.size}, {@code compression.type} as given. Every figure is printed; nothing is
 * asserted. Options:
 * <pre>
 * --records N (20000)  --labels L (10000)  --label-rate R (5000)  --partitions P (1)
 * --commit-interval-ms (100)  --threads (1)  --linger-ms (5)  --batch-bytes (262144)
 * --compression none|lz4|zstd|snappy|gzip (lz4)  --cache-bytes (Streams default)
 * --encoding both|list|packed (both)  --rounds K (1)  --warmup W (20000)
 * </pre>
 * With {@code --encoding both}, (a) and (b) run for the version 1 form (an Avro array of 784
 * floats, 3 kB) and for the packed form ({@code packed}, UINT8_SCALED: one byte per pixel), so the
 * two are compared in the same run; (c) uses the last encoding. With {@code --rounds K}, (a) and
 * (b) are measured K times per encoding (each round with new ids) and the median ratio is printed
 * with the spread. Before the rounds, each path runs once with W records, so the JIT has compiled
 * the code of both (with fewer, the first round pays for the compiler threads). In each round (a) runs right before (b), with ingest paused
 * ({@link IngestService#pause()}) so it takes no CPU from (a), and both see the same machine load.
 */
public final class IngestBench {

    private static final int FEATURES = 784;
    private static final String SOURCE = "bench";
    private static final Duration WAIT = Duration.ofMinutes(3);

    private IngestBench() {
    }

    /** The settings of a run. */
    record Settings(int records, int labels, double labelRate, int partitions, int commitIntervalMs, int threads,
                    int lingerMs, int batchBytes, String compression, Long cacheBytes, List<Encoding> encodings,
                    int rounds, int warmup) {

        static Settings parse(String[] args) {
            Map<String, String> o = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (!name.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value, got '" + name + "'");
                }
                o.put(name, args[++i]);
            }
            List<String> known = List.of("--records", "--labels", "--label-rate", "--partitions",
                    "--commit-interval-ms", "--threads", "--linger-ms", "--batch-bytes", "--compression", "--cache-bytes",
                    "--encoding", "--rounds", "--warmup");
            for (String k : o.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("unknown option " + k + "; known: " + known);
                }
            }
            Settings s = new Settings(Integer.parseInt(o.getOrDefault("--records", "20000")),
                    Integer.parseInt(o.getOrDefault("--labels", "10000")),
                    Double.parseDouble(o.getOrDefault("--label-rate", "5000")),
                    Integer.parseInt(o.getOrDefault("--partitions", "1")),
                    Integer.parseInt(o.getOrDefault("--commit-interval-ms", "100")),
                    Integer.parseInt(o.getOrDefault("--threads", "1")),
                    Integer.parseInt(o.getOrDefault("--linger-ms", "5")),
                    Integer.parseInt(o.getOrDefault("--batch-bytes", "262144")),
                    o.getOrDefault("--compression", "lz4"),
                    o.containsKey("--cache-bytes") ? Long.parseLong(o.get("--cache-bytes")) : null,
                    Encoding.parse(o.getOrDefault("--encoding", "both")),
                    Integer.parseInt(o.getOrDefault("--rounds", "1")),
                    Integer.parseInt(o.getOrDefault("--warmup", "20000")));
            if (s.records < 1 || s.labels < 1 || !(s.labelRate > 0) || s.partitions < 1 || s.threads < 1
                    || s.rounds < 1 || s.warmup < 1) {
                throw new IllegalArgumentException("--records, --labels, --label-rate, --partitions, --threads and "
                        + "--rounds must be positive");
            }
            return s;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ingest bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path state = Files.createTempDirectory("mnemo-ingest-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults())) {
            run(s, kafka.bootstrapServers(), state);
        }
        System.exit(0);
    }

    /** How the bench encodes the 784 values of a sample. */
    enum Encoding {
        /** The Avro {@code features} array of floats, the only form of schema version 1. */
        LIST("float list"),
        /** {@code packed}, UINT8_SCALED with scale 1/255: one byte per pixel (schema version 2). */
        PACKED("packed uint8");

        final String title;

        Encoding(String title) {
            this.title = title;
        }

        static List<Encoding> parse(String text) {
            return switch (text) {
                case "both" -> List.of(LIST, PACKED);
                case "list" -> List.of(LIST);
                case "packed" -> List.of(PACKED);
                default -> throw new IllegalArgumentException("--encoding must be both, list or packed, got '" + text + "'");
            };
        }

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static void run(Settings s, String bootstrap, Path state) throws Exception {
        Pixels pixels = Pixels.load();
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
        System.out.printf(Locale.ROOT, "Ingest benchmark on one embedded broker (in this process), %d partition(s); "
                + "samples of %s, %d features; encodings %s, %d round(s) of %,d records%n", s.partitions, pixels.name,
                FEATURES, s.encodings, s.rounds, s.records);

        Map<Encoding, List<Run>> plainRuns = new HashMap<>();
        Map<Encoding, List<Run>> ingestRuns = new HashMap<>();
        for (Encoding e : s.encodings) {
            String topic = "bench.plain." + e.tag();
            List<String> topics = new ArrayList<>(List.of(topic + ".warm"));
            for (int round = 0; round < s.rounds; round++) {
                topics.add(topic + "." + round);
            }
            TopicAdmin.ensure(client, topics, s.partitions, (short) 1);
            plainRuns.put(e, new ArrayList<>());
            ingestRuns.put(e, new ArrayList<>());
        }
        IngestConfig config = IngestConfig.defaults().withPrefix("bench.").withApplicationId("bench-ingest");
        TopicAdmin.ensure(client, IngestTopology.topics(config), s.partitions, (short) 1);
        Map<String, Object> streams = new HashMap<>(client);
        streams.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitIntervalMs);
        streams.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.threads);
        streams.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), s.lingerMs);
        streams.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), s.batchBytes);
        streams.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), s.compression);
        streams.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 8 * 1024 * 1024);
        if (s.cacheBytes != null) {
            streams.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, s.cacheBytes);
        }
        LatencyRun c;
        String threadMetrics;
        Encoding last = s.encodings.get(s.encodings.size() - 1);
        try (IngestService ingest = IngestService.start(config, streams, state)) {
            if (!ingest.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("ingest did not reach RUNNING in 2 minutes: " + ingest.state());
            }
            List<String> out = List.of(config.topics().samplesLabelled(), config.topics().samplesUnlabelled());
            for (Encoding e : s.encodings) {
                ingest.pause();
                plain(s, client, "bench.plain." + e.tag() + ".warm",
                        samples(pixels, "warm-a-", s.warmup, 0.2, e));
                ingest.resume();
                String prefix = "warm-b-" + e.tag() + "-";
                throughput(s, client, config.topics().samplesRaw(), out,
                        samples(pixels, prefix, s.warmup, 0.2, e), prefix);
            }
            // (a) then (b), back to back in each round, so both see the same machine load
            for (int round = 0; round < s.rounds; round++) {
                for (Encoding e : s.encodings) {
                    List<byte[]> plainValues = samples(pixels, "a-" + round + "-", s.records, 0.2, e);
                    String prefix = "b-" + e.tag() + "-" + round + "-";
                    List<byte[]> ingestValues = samples(pixels, prefix, s.records, 0.2, e);
                    ingest.pause();
                    plainRuns.get(e).add(plain(s, client, "bench.plain." + e.tag() + "." + round, plainValues));
                    ingest.resume();
                    ingestRuns.get(e).add(throughput(s, client, config.topics().samplesRaw(), out, ingestValues,
                            prefix));
                }
            }
            threadMetrics = threadMetrics(ingest);
            // (c) late labels: their samples first, unlabelled, then the labels, paced
            throughput(s, client, config.topics().samplesRaw(), out, samples(pixels, "c-", s.labels, 1.0, last), "c-");
            c = latency(s, client, config);
        }

        for (Encoding e : s.encodings) {
            List<Run> as = plainRuns.get(e);
            List<Run> bs = ingestRuns.get(e);
            Run a0 = as.get(0);
            System.out.printf(Locale.ROOT, "  [%s] bytes per record: %,.0f (Avro value %,.0f + key %,.0f); ingest output "
                            + "%,.0f; producer batches %s, compression ratio %.2f%n", e.title, a0.bytes / (double) a0.count,
                    a0.valueBytes / (double) a0.count, (a0.bytes - a0.valueBytes) / (double) a0.count,
                    bs.get(0).bytes / (double) bs.get(0).count, s.compression, a0.compressionRate);
            double[] ratios = new double[s.rounds];
            for (int round = 0; round < s.rounds; round++) {
                Run a = as.get(round);
                Run b = bs.get(round);
                ratios[round] = b.rate() / a.rate();
                System.out.printf(Locale.ROOT, "  [%s] round %d: (a) plain producer -> consumer %,d records in %.2f s = "
                                + "%,.0f records/s (%.1f MB/s); (b) ingest, exactly_once_v2, Avro in/out %,d records in "
                                + "%.2f s = %,.0f records/s (read_committed); ratio (b)/(a) %.2f; process CPU per record "
                                + "(a) %.1f us, (b) %.1f us%n", e.title, round + 1,
                        a.count, a.seconds, a.rate(), a.bytes / a.seconds / 1e6, b.count, b.seconds, b.rate(), ratios[round],
                        a.cpuMicrosPerRecord(), b.cpuMicrosPerRecord());
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            System.out.printf(Locale.ROOT, "  [%s] ratio (b)/(a): median %.2f, min %.2f, max %.2f over %d round(s) "
                    + "(target >= 0.5)%s%n", e.title, median, sorted[0], sorted[sorted.length - 1], s.rounds,
                    median >= 0.5 ? "" : "  BELOW TARGET");
        }
        System.out.printf(Locale.ROOT, "  (c) late-label join latency [%s], %,d labels at %,.0f labels/s (sent at %,.0f/s): "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", last.title, c.count, s.labelRate, c.sentRate, c.p50,
                c.p99, c.max);
        System.out.println("  ingest stream threads (Streams metrics, ms and records, over the last rounds): " + threadMetrics);
        System.out.printf(Locale.ROOT, "  settings: commit.interval.ms=%d num.stream.threads=%d linger.ms=%d batch.size=%d "
                        + "compression.type=%s statestore.cache.max.bytes=%s%n", s.commitIntervalMs, s.threads, s.lingerMs,
                s.batchBytes, s.compression, s.cacheBytes == null ? "default" : s.cacheBytes.toString());
    }

    /** The pixels the samples are made of. */
    record Pixels(String name, float[][] rows) {

        static Pixels load() {
            try {
                Optional<String> name = Datasets.firstAvailable(Datasets.MNIST, Datasets.FASHION_MNIST);
                if (name.isPresent()) {
                    LabelledData train = Datasets.load(name.get()).train();
                    return new Pixels(name.get() + " (real images)", train.features());
                }
            } catch (RuntimeException e) {
                // fall through to synthetic pixels
            }
            // Seeded stand-in: MNIST images are about 81% zeros, the rest spread over (0, 1].
            Random random = new Random(7L);
            float[][] rows = new float[1_000][FEATURES];
            for (float[] row : rows) {
                for (int i = 0; i < FEATURES; i++) {
                    row[i] = random.nextDouble() < 0.81 ? 0f : (1 + random.nextInt(255)) / 255f;
                }
            }
            return new Pixels("seeded synthetic MNIST-like images (no dataset installed)", rows);
        }
    }

    /** Encoded samples with ids {@code <prefix><i>}, the given share without label, values in the given encoding. */
    static List<byte[]> samples(Pixels pixels, String prefix, int n, double unlabelled, Encoding encoding) {
        List<byte[]> values = new ArrayList<>(n);
        long now = System.currentTimeMillis();
        Random random = new Random(11L);
        List<Integer> shape = List.of(28, 28);
        for (int i = 0; i < n; i++) {
            float[] row = pixels.rows()[i % pixels.rows().length];
            Sample.Builder builder = Sample.newBuilder();
            if (encoding == Encoding.LIST) {
                List<Float> features = new ArrayList<>(FEATURES);
                for (float v : row) {
                    features.add(v);
                }
                builder.setFeatures(features);
            } else {
                builder.setFeatures(List.of()).setPacked(SampleFeatures.pack(row));
            }
            Sample sample = builder.setId(prefix + i).setSource(SOURCE).setEventTime(Instant.ofEpochMilli(now))
                    .setShape(shape)
                    .setLabel(random.nextDouble() < unlabelled ? null : i % 10).setTask(null).build();
            values.add(MnemoSerdes.sample().encode(sample));
        }
        return values;
    }

    record Run(long count, double seconds, long bytes, long valueBytes, double compressionRate, double cpuSeconds) {

        /** CPU time of this process (broker, clients and ingest) per record, in microseconds. */
        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / count;
        }

        double rate() {
            return count / seconds;
        }
    }

    private static Map<String, Object> producerConfig(Settings s, Map<String, Object> client) {
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, s.lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, s.batchBytes);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression);
        return p;
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> client, String group, boolean committed) {
        Map<String, Object> c = new HashMap<>(client);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        if (committed) {
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return c;
    }

    /** (a): one producer, one consumer, the same topic. */
    private static Run plain(Settings s, Map<String, Object> client, String topic, List<byte[]> values)
            throws Exception {
        Reader reader = new Reader(client, List.of(topic), false, "", values.size(), null);
        reader.start();
        double compression;
        long valueBytes = 0;
        long t0;
        long cpu0 = processCpuNanos();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(s, client),
                new StringSerializer(), new ByteArraySerializer())) {
            t0 = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, "a-" + i, values.get(i)));
                valueBytes += values.get(i).length;
            }
            producer.flush();
            compression = metric(producer.metrics(), "compression-rate-avg");
        }
        reader.await();
        return new Run(reader.count.get(), (reader.lastNanos.get() - t0) / 1e9, reader.bytes.get(), valueBytes,
                compression, (processCpuNanos() - cpu0) / 1e9);
    }

    /** (b): records into samples.raw, counted on the output topics (ids with the prefix only). */
    private static Run throughput(Settings s, Map<String, Object> client, String in, List<String> out,
                                  List<byte[]> values, String prefix) throws Exception {
        Reader reader = new Reader(client, out, true, prefix, values.size(), null);
        reader.start();
        long t0;
        long valueBytes = 0;
        long cpu0 = processCpuNanos();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(s, client),
                new StringSerializer(), new ByteArraySerializer())) {
            t0 = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(in, prefix + i, values.get(i)));
                valueBytes += values.get(i).length;
            }
            producer.flush();
        }
        reader.await();
        return new Run(reader.count.get(), (reader.lastNanos.get() - t0) / 1e9, reader.bytes.get(), valueBytes, 0,
                (processCpuNanos() - cpu0) / 1e9);
    }

    record LatencyRun(int count, double sentRate, double p50, double p99, double max) {
    }

    /** (c): labels for the unlabelled samples {@code c-0 .. c-(L-1)}, paced; latency to samples.labelled. */
    private static LatencyRun latency(Settings s, Map<String, Object> client, IngestConfig config) throws Exception {
        int n = s.labels;
        long[] sent = new long[n];
        long[] read = new long[n];
        Reader reader = new Reader(client, List.of(config.topics().samplesLabelled()), true, "c-", n,
                (key, nanos) -> read[Integer.parseInt(key.substring(2))] = nanos);
        reader.start();
        long t0;
        long t1;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(s, client),
                new StringSerializer(), new ByteArraySerializer())) {
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = t0 + (long) (i * 1e9 / s.labelRate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String id = "c-" + i;
                LabelFeedback label = LabelFeedback.newBuilder().setSampleId(id).setSource(SOURCE).setLabel(i % 10)
                        .setEventTime(Instant.now()).setLabeller(null).build();
                sent[i] = System.nanoTime();
                producer.send(new ProducerRecord<>(config.topics().labels(), id, MnemoSerdes.labelFeedback().encode(label)));
            }
            t1 = System.nanoTime();
            producer.flush();
        }
        reader.await();
        double[] ms = new double[n];
        int got = 0;
        for (int i = 0; i < n; i++) {
            if (read[i] != 0) {
                ms[got++] = (read[i] - sent[i]) / 1e6;
            }
        }
        double[] done = Arrays.copyOf(ms, got);
        Arrays.sort(done);
        if (got < n) {
            System.out.printf(Locale.ROOT, "  warning: only %,d of %,d joined samples were read%n", got, n);
        }
        return new LatencyRun(got, (n - 1) / ((t1 - t0) / 1e9), percentile(done, 0.50), percentile(done, 0.99),
                got == 0 ? Double.NaN : done[got - 1]);
    }

    /** Where the stream threads spend their time, from the Streams thread metrics. */
    private static String threadMetrics(IngestService ingest) {
        Map<String, Double> sums = new java.util.TreeMap<>();
        for (var e : ingest.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.group().equals("stream-thread-metrics") && List.of("poll-records-avg", "poll-latency-avg",
                    "process-records-avg", "commit-latency-avg").contains(n.name())
                    && e.getValue().metricValue() instanceof Double d) {
                sums.merge(n.name(), d, Double::sum);
            }
        }
        StringBuilder text = new StringBuilder();
        sums.forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.2f", v)));
        return text.toString();
    }

    /** CPU time of this process so far (every thread: broker, clients, ingest), or 0 when not available. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        for (var e : metrics.entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                Object v = e.getValue().metricValue();
                return v instanceof Double d ? d : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Per-record callback of a reader: the key and the nanoTime it was read. */
    @FunctionalInterface
    interface Arrival {
        void read(String key, long nanos);
    }

    /**
     * Reads topics from their end at start on its own thread until {@code expected} records whose key
     * starts with the prefix were read; remembers when the last of them arrived.
     */
    private static final class Reader extends Thread {

        private final KafkaConsumer<String, byte[]> consumer;
        private final List<String> topics;
        private final String prefix;
        private final long expected;
        private final Arrival arrival;
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong lastNanos = new AtomicLong();
        private final CountDownLatch assigned = new CountDownLatch(1);
        private final CountDownLatch finished = new CountDownLatch(1);
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

        Reader(Map<String, Object> client, List<String> topics, boolean committed, String prefix, long expected,
               Arrival arrival) {
            super("bench-reader");
            setDaemon(true);
            this.consumer = new KafkaConsumer<>(consumerConfig(client, "bench-" + System.nanoTime(), committed),
                    new StringDeserializer(), new ByteArrayDeserializer());
            this.topics = topics;
            this.prefix = prefix;
            this.expected = expected;
            this.arrival = arrival;
        }

        @Override
        public synchronized void start() {
            super.start();
            try {
                assigned.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try (consumer) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String t : topics) {
                    consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
                }
                consumer.assign(partitions);
                // From the end: earlier rounds' records would otherwise have to be read past first,
                // which would charge ingest (whose output topics grow every round) for the catch-up.
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                assigned.countDown();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (count.get() < expected) {
                    if (System.nanoTime() > deadline) {
                        timedOut.set(true);
                        break;
                    }
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.key() != null && r.key().startsWith(prefix) && seen.putIfAbsent(r.key(), true) == null) {
                            long now = System.nanoTime();
                            if (arrival != null) {
                                arrival.read(r.key(), now);
                            }
                            bytes.addAndGet(r.value().length + r.key().getBytes(StandardCharsets.UTF_8).length);
                            count.incrementAndGet();
                            lastNanos.set(now);
                        }
                    }
                }
            } finally {
                assigned.countDown();
                finished.countDown();
            }
        }

        void await() throws InterruptedException {
            finished.await(WAIT.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            if (timedOut.get()) {
                System.out.printf(Locale.ROOT, "  warning: read %,d of %,d records of %s in %s%n", count.get(), expected,
                        topics, WAIT);
            }
        }
    }
}
