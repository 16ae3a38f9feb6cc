package dev.mnemo.learner.stream;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.mnemo.deploy.kafka.EmbeddedKafka;
import dev.mnemo.deploy.kafka.EmbeddedKafkaOptions;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestService;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.learner.engine.Block;
import dev.mnemo.learner.engine.LearnerEngine;
import dev.mnemo.learner.engine.StreamSample;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * {@code ./mnemo bench pipeline}: the learner's pipeline against its own training step, in one run,
 * on a real single-node KRaft broker with the ingest topology in front.
 *
 * <p>For each configuration (the service default and the demo's lwf+replay), on the same samples
 * in the same order (MNIST, class-incremental, all labelled):
 * <ol>
 *   <li><b>Stages alone</b> (no Kafka): Avro decoding; the training step alone (the trainer's steps
 *       over the stream, chunk by chunk, no prediction, no watch) — the baseline; the engine alone
 *       (predict, watch, train); encoding the predictions.</li>
 *   <li><b>End to end through Kafka</b>: the samples are sent to {@code samples.raw} and routed by
 *       ingest first; then a {@link LearnerLoop} (the service's adapter) consumes them from
 *       {@code samples.labelled} and publishes every prediction. Throughput from the first
 *       prediction to the last, with checkpoints off and then on at the default cadence, and the
 *       share of the engine thread's time in each stage.</li>
 *   <li><b>Latency</b>: samples sent at a half and a quarter of the end-to-end throughput, from each
 *       record's append to its prediction's append, p50 and p99: into {@code samples.raw} (ingest and
 *       learner) and straight into {@code samples.labelled} (the learner alone).</li>
 * </ol>
 * Every figure comes from this run; the ratios are the ones the targets name.
 *
 * <p>Usage: {@code PipelineBench [--max-samples 30000] [--seconds-latency 10] [--json FILE]
 * [--configs service,demo]}.
 */
public final class PipelineBench {

    private static final int POLL = 512;

    /** One learner configuration as the service runs it. */
    record Config(String name, String description, MlpSpec model, StrategySpec strategy, int trainBatch,
                  boolean tags) {
    }

    private static Config service() {
        // MnemoConfig defaults: 784-256-128-10, fine-tune, 64 per step, 512 per poll, watch on, tags on.
        return new Config("service", "service default: fine-tune, 784-256-128-10, 64 per step, drift watch on",
                new MlpSpec(784, List.of(256, 128), 10, 0.001, 1.0, 42L), StrategySpec.parse("fine-tune"), 64, true);
    }

    private static Config demo() {
        // The %demo profile: 784-400-400-10, lwf+replay, replay 128 (asymmetric), buffer 1000, 64 per step.
        StrategySpec s = StrategySpec.parse("lwf+replay").withReplaySize(128).withReplayLoss("asymmetric");
        return new Config("demo", "demo: lwf+replay, 784-400-400-10, replay 128, 64 per step, drift watch on",
                new MlpSpec(784, List.of(400, 400), 10, 0.001, 1.0, 42L), s, 64, true);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (Arrays.asList(args).contains("--help")) {
            System.out.println("usage: PipelineBench [--max-samples 30000] [--seconds-latency 10] [--json FILE]"
                    + " [--configs service,demo]");
            return;
        }
        int n = Integer.parseInt(opt.getOrDefault("max-samples", "30000"));
        int latencySeconds = Integer.parseInt(opt.getOrDefault("seconds-latency", "10"));
        List<Config> configs = new ArrayList<>();
        for (String c : opt.getOrDefault("configs", "service,demo").split(",")) {
            configs.add(switch (c.trim()) {
                case "service" -> service();
                case "demo" -> demo();
                default -> throw new IllegalArgumentException("--configs takes service and demo, got " + c);
            });
        }
        PrintStream out = System.out;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("samples", n);
        report.put("ompNumThreads", System.getenv("OMP_NUM_THREADS"));
        Path data = Files.createTempDirectory("mnemo-pipeline-bench");
        DatasetSplit mnist = Datasets.mnist();
        LabelledData train = mnist.train();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(train, 2, n, 11L);
        List<StreamSample> stream = streamOf(train, order);
        out.printf(Locale.ROOT, "Pipeline benchmark: %,d MNIST samples, class-incremental (5 tasks), all labelled;"
                + " OMP_NUM_THREADS=%s, %d cores%n", n, System.getenv("OMP_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withDataDir(data.resolve("kafka")))) {
            Map<String, Object> client = new HashMap<>();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            Topics topics = Topics.withPrefix("bench.");
            TopicAdmin.ensure(client, topics.all(), 1, (short) 1);
            IngestConfig ingestConfig = IngestConfig.defaults().withTopics(topics).withFeatures(784);
            try (IngestService ingest = IngestService.start(ingestConfig, client, data.resolve("streams"))) {
                if (!ingest.awaitRunning(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("ingest did not start");
                }
                long t0 = System.nanoTime();
                send(client, topics.samplesRaw(), train, order, 0);
                awaitRouted(client, topics.samplesLabelled(), n, Duration.ofMinutes(5));
                out.printf(Locale.ROOT, "  %,d samples sent to %s and routed by ingest in %.1f s%n%n", n,
                        topics.samplesRaw(), (System.nanoTime() - t0) / 1e9);
                List<Object> results = new ArrayList<>();
                for (Config config : configs) {
                    results.add(run(config, stream, client, topics, train, data, latencySeconds, out));
                }
                report.put("configs", results);
            }
        }
        if (opt.containsKey("json")) {
            Path json = Path.of(opt.get("json"));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
            out.println("Written to " + json);
        }
    }

    private static Map<String, Object> run(Config c, List<StreamSample> stream, Map<String, Object> client, Topics topics,
                                           LabelledData train, Path data, int latencySeconds, PrintStream out)
            throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("config", c.name());
        r.put("description", c.description());
        out.println("== " + c.description());
        // Warm the JIT on the training path first, as the service does at start.
        LearnerEngine.warmUp(c.strategy().trainer(c.model()), 200, c.trainBatch(), 1L);
        double decode = decodeAlone(stream);
        double step = stepAlone(c, stream);
        double engine = engineAlone(c, stream);
        double encode = encodeAlone(stream);
        out.printf(Locale.ROOT, "  stages alone (samples/s, one thread):%n");
        out.printf(Locale.ROOT, "    decode (Avro)            %,10.0f%n", decode);
        out.printf(Locale.ROOT, "    training step alone      %,10.0f   (baseline)%n", step);
        out.printf(Locale.ROOT, "    engine (predict, watch, train) %,4.0f   %.2f of the step%n", engine, engine / step);
        out.printf(Locale.ROOT, "    encode predictions       %,10.0f%n", encode);
        r.put("decodePerSecond", decode);
        r.put("stepAlonePerSecond", step);
        r.put("engineAlonePerSecond", engine);
        r.put("encodePerSecond", encode);

        // Checkpoints off and on, interleaved, three times each: the machine is noisy, so medians.
        List<EndToEnd> offs = new ArrayList<>();
        List<EndToEnd> ons = new ArrayList<>();
        for (int rep = 0; rep < REPEATS; rep++) {
            offs.add(endToEnd(c, client, topics, stream.size(), null));
            ons.add(endToEnd(c, client, topics, stream.size(), data.resolve("checkpoints-" + c.name() + "-" + rep)));
        }
        EndToEnd off = median(offs);
        EndToEnd on = median(ons);
        out.printf(Locale.ROOT, "  end to end through Kafka (first prediction to last, %,d samples; median of %d, each"
                + " listed):%n", stream.size(), REPEATS);
        out.printf(Locale.ROOT, "    checkpoints off          %,10.0f   %.2f of the step alone   %s%n", off.rate(),
                off.rate() / step, rates(offs));
        out.printf(Locale.ROOT, "    checkpoints on           %,10.0f   %.2f of the step alone, %.2f of checkpoints off"
                + " (every %d polls or %s)   %s%n", on.rate(), on.rate() / step, on.rate() / off.rate(),
                LearnerLoopConfig.Checkpoints.in(data).everyBatches(), LearnerLoopConfig.Checkpoints.in(data).interval(),
                rates(ons));
        out.printf(Locale.ROOT, "  engine thread, checkpoints on (share of its time):%n");
        on.figures().shares().forEach((k, v) -> out.printf(Locale.ROOT, "    %-16s %5.1f%%%n", k, 100 * v));
        out.printf(Locale.ROOT, "  beside it: poller %.1f us/record (decode, check), publisher %.1f us/sample (encode,"
                        + " send)%n", on.figures().pollNanos() / 1e3 / Math.max(1, on.figures().records()),
                on.figures().publishNanos() / 1e3 / Math.max(1, on.figures().samples()));
        r.put("endToEndRuns", offs.stream().map(EndToEnd::rate).toList());
        r.put("endToEndCheckpointsOnRuns", ons.stream().map(EndToEnd::rate).toList());
        r.put("endToEndPerSecond", off.rate());
        r.put("endToEndOverStep", off.rate() / step);
        r.put("endToEndCheckpointsOnPerSecond", on.rate());
        r.put("checkpointsOnOverOff", on.rate() / off.rate());
        r.put("engineShares", on.figures().shares());
        r.put("checkpoints", on.figures().checkpoints());
        r.put("checkpointMillis", on.figures().checkpointNanos() / 1e6);

        // Half the maximum, as the target asks, and a quarter, to show where the latency comes from.
        for (int divisor : new int[] {2, 4}) {
            double rate = off.rate() / divisor;
            for (boolean throughIngest : new boolean[] {true, false}) {
                String topic = throughIngest ? topics.samplesRaw() : topics.samplesLabelled();
                double[] latency = latency(c, client, topics, topic, train, rate, latencySeconds);
                out.printf(Locale.ROOT, "  latency at %,.0f samples/s (1/%d of the maximum) for %d s, append to %s ->"
                        + " prediction appended: p50 %.0f ms, p99 %.0f ms (%,d samples)%n", rate, divisor, latencySeconds,
                        throughIngest ? "samples.raw (ingest and learner)" : "samples.labelled (learner alone)",
                        latency[0], latency[1], (long) latency[2]);
                String key = (divisor == 2 ? "latencyHalf" : "latencyQuarter") + (throughIngest ? "" : "LearnerAlone");
                r.put(key + "RatePerSecond", rate);
                r.put(key + "P50Millis", latency[0]);
                r.put(key + "P99Millis", latency[1]);
            }
        }
        out.println();
        return r;
    }

    private static List<StreamSample> streamOf(LabelledData data, StreamOrder.OrderedStream order) {
        List<StreamSample> out = new ArrayList<>(order.size());
        for (int k = 0; k < order.size(); k++) {
            int i = order.indices()[k];
            out.add(new StreamSample("s-" + k, "bench", k, data.feature(i), data.label(i),
                    Integer.toString(order.taskIds()[k]), false, "bench", 0, k));
        }
        return out;
    }

    private static double decodeAlone(List<StreamSample> stream) {
        List<byte[]> encoded = new ArrayList<>(stream.size());
        for (StreamSample s : stream) {
            encoded.add(MnemoSerdes.sample().encode(sample(s)));
        }
        long t0 = System.nanoTime();
        long sum = 0;
        for (byte[] b : encoded) {
            Sample s = MnemoSerdes.sample().decode(b);
            float[] x = new float[784];
            dev.mnemo.schemas.SampleFeatures.copyInto(s, x, 0, 784);
            sum += (long) x[300];
        }
        return stream.size() / ((System.nanoTime() - t0) / 1e9) + sum * 0;
    }

    private static Sample sample(StreamSample s) {
        List<Float> f = new ArrayList<>(s.features().length);
        for (float v : s.features()) {
            f.add(v);
        }
        return Sample.newBuilder().setId(s.id()).setSource(s.source()).setEventTime(Instant.ofEpochMilli(s.eventTime()))
                .setFeatures(f).setLabel(s.label()).setTask(s.task()).build();
    }

    /** The trainer's steps over the stream, chunk by chunk as the engine cuts it, nothing else. */
    private static double stepAlone(Config c, List<StreamSample> stream) {
        ContinualTrainer trainer = c.strategy().trainer(c.model());
        long t0 = System.nanoTime();
        String task = null;
        List<StreamSample> chunk = new ArrayList<>();
        for (StreamSample s : stream) {
            if (c.tags() && task != null && !task.equals(s.task())) {
                train(trainer, chunk);
                trainer.taskBoundary();
            }
            task = s.task();
            chunk.add(s);
            if (chunk.size() == c.trainBatch()) {
                train(trainer, chunk);
            }
        }
        train(trainer, chunk);
        return stream.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static void train(ContinualTrainer trainer, List<StreamSample> chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        float[][] x = new float[chunk.size()][];
        int[] y = new int[chunk.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = chunk.get(i).features();
            y[i] = chunk.get(i).label();
        }
        trainer.step(Batch.labelled(x, y, 0));
        chunk.clear();
    }

    private static double engineAlone(Config c, List<StreamSample> stream) {
        LearnerEngine engine = new LearnerEngine(c.strategy().trainer(c.model()),
                new dev.mnemo.learner.engine.EngineSettings("bench", c.trainBatch(), c.tags(), true, 100_000,
                        WatchConfig.defaults()));
        long t0 = System.nanoTime();
        for (int from = 0; from < stream.size(); from += POLL) {
            engine.process(Block.of(stream.subList(from, Math.min(stream.size(), from + POLL))), Instant.now());
        }
        engine.flush(Instant.now());
        return stream.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double encodeAlone(List<StreamSample> stream) {
        long t0 = System.nanoTime();
        long bytes = 0;
        float[] probabilities = new float[10];
        Arrays.fill(probabilities, 0.1f);
        for (StreamSample s : stream) {
            List<Float> probs = new ArrayList<>(10);
            for (float p : probabilities) {
                probs.add(p);
            }
            Prediction p = Prediction.newBuilder().setSampleId(s.id()).setSource(s.source())
                    .setEventTime(Instant.ofEpochMilli(s.eventTime())).setPredictedAt(Instant.now()).setModelName("b")
                    .setModelVersion(1).setPredictedClass(3).setProbabilities(probs).setLabel(s.label())
                    .setTask(s.task()).build();
            bytes += MnemoSerdes.prediction().encode(p).length;
        }
        return stream.size() / ((System.nanoTime() - t0) / 1e9) + bytes * 0;
    }

    record EndToEnd(double rate, PipelineFigures figures) {
    }

    private static final int REPEATS = 3;

    private static EndToEnd median(List<EndToEnd> runs) {
        List<EndToEnd> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(EndToEnd::rate));
        return sorted.get(sorted.size() / 2);
    }

    private static String rates(List<EndToEnd> runs) {
        StringBuilder b = new StringBuilder("[");
        for (EndToEnd r : runs) {
            b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%,.0f", r.rate()));
        }
        return b.append(']').toString();
    }

    private static int groups;

    /** A learner loop in a new group drains the routed samples; first prediction to last. */
    private static EndToEnd endToEnd(Config c, Map<String, Object> client, Topics topics, int n, Path checkpoints)
            throws Exception {
        LearnerLoopConfig config = new LearnerLoopConfig(topics, "bench-" + c.name() + "-" + (++groups), "default",
                POLL, c.trainBatch(), 1000, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(2),
                100_000, c.tags(), checkpoints == null ? LearnerLoopConfig.Checkpoints.disabled()
                        : LearnerLoopConfig.Checkpoints.in(checkpoints), WatchConfig.defaults());
        LearnerLoop loop = new LearnerLoop(config, c.strategy().trainer(c.model()), client, Clock.systemUTC());
        Thread t = new Thread(loop, "mnemo-learner");
        t.start();
        long first = 0;
        long firstCount = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (loop.status().predicted() < n && System.nanoTime() < deadline) {
            long p = loop.status().predicted();
            if (first == 0 && p > 0) {
                first = System.nanoTime();
                firstCount = p;
            }
            Thread.sleep(0, 200_000);
        }
        long last = System.nanoTime();
        PipelineFigures figures = loop.pipeline();
        loop.stop();
        loop.awaitStopped(Duration.ofSeconds(60));
        if (loop.status().predicted() < n) {
            throw new IllegalStateException("the learner predicted " + loop.status().predicted() + " of " + n);
        }
        return new EndToEnd((n - firstCount) / ((last - first) / 1e9), figures);
    }

    /** Samples sent to samples.raw at {@code rate} for {@code seconds}; latency from append to prediction. */
    private static double[] latency(Config c, Map<String, Object> client, Topics topics, String into,
                                    LabelledData train, double rate, int seconds) throws Exception {
        Map<String, Object> latest = new HashMap<>(client);
        latest.put("auto.offset.reset", "latest");
        LearnerLoopConfig config = new LearnerLoopConfig(topics, "bench-latency-" + c.name() + "-" + (++groups),
                "default", POLL, c.trainBatch(), 1000, Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofSeconds(2), 100_000, c.tags(), LearnerLoopConfig.Checkpoints.disabled(),
                WatchConfig.defaults());
        LearnerLoop loop = new LearnerLoop(config, c.strategy().trainer(c.model()), latest, Clock.systemUTC());
        Thread t = new Thread(loop, "mnemo-learner");
        t.start();
        try (KafkaConsumer<String, byte[]> predictions = new KafkaConsumer<>(client, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topics.predictions(), 0);
            predictions.assign(List.of(tp));
            predictions.seekToEnd(List.of(tp));
            predictions.position(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (loop.status().lag() < 0 && System.nanoTime() < deadline) {
                Thread.sleep(50); // the loop has its partitions once it knows its lag
            }
            int count = (int) (rate * seconds);
            StreamOrder.OrderedStream order = StreamOrder.classIncremental(train, 2, count, 13L);
            String source = "latency-" + groups;
            Map<String, Long> sentAt = send(client, into, train, order, rate, source);
            List<Long> lat = new ArrayList<>(count);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lat.size() < sentAt.size() && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : predictions.poll(Duration.ofMillis(200))) {
                    Long sent = sentAt.get(r.key());
                    if (sent != null) {
                        lat.add(r.timestamp() - sent);
                    }
                }
            }
            long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
            return new double[] {quantile(sorted, 0.5), quantile(sorted, 0.99), sorted.length};
        } finally {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(60));
        }
    }

    private static double quantile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static void send(Map<String, Object> client, String topic, LabelledData data,
                             StreamOrder.OrderedStream order, double rate) {
        send(client, topic, data, order, rate, "bench");
    }

    /** Sends the ordered samples (at most {@code rate} a second, 0: at once); the append time of each id. */
    private static Map<String, Long> send(Map<String, Object> client, String topic, LabelledData data,
                                          StreamOrder.OrderedStream order, double rate, String source) {
        Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        DatasetProducer.Options options = DatasetProducer.Options.to(topic).withSource(source);
        if (rate > 0) {
            options = options.withMaxRate(rate);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                return super.send(record, (metadata, e) -> {
                    if (e == null && record.key() != null) {
                        sentAt.put(record.key(), metadata.timestamp());
                    }
                    if (callback != null) {
                        callback.onCompletion(metadata, e);
                    }
                });
            }
        }; DatasetProducer producing = new DatasetProducer(producer, options)) {
            producing.send(data, order);
        }
        return sentAt;
    }

    private static void awaitRouted(Map<String, Object> client, String topic, long n, Duration timeout)
            throws InterruptedException {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(client, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (c.endOffsets(List.of(tp)).get(tp) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ingest routed " + c.endOffsets(List.of(tp)).get(tp) + " of " + n
                            + " samples in " + timeout);
                }
                Thread.sleep(100);
            }
        }
    }

    private PipelineBench() {
    }
}
