package dev.mnemo.ingest.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.DatasetUnavailableException;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;

/**
 * The demo driver: streams a real dataset class-incrementally into {@code samples.raw} of a running
 * Mnemo (ingest and learner), watches {@code predictions} and {@code samples.dlq}, and reports
 * progress and a summary.
 *
 * <p>It scores the learner from the outside, from what the learner published: every valid sample
 * must get exactly one prediction, labelled ones are scored prequentially, and after the stream the
 * held-out test images of every task are sent unlabelled, with learning paused through the admin
 * API (so the learner predicts but does not train, even with a distilling strategy that learns from
 * unlabelled samples), to measure the final accuracy per task, which shows forgetting.
 *
 * <pre>
 * java -cp ingest/target/mnemo-ingest.jar dev.mnemo.ingest.demo.DemoMain \
 *     --bootstrap localhost:9092 --dataset fashion-mnist --max-samples 30000 --json out.json
 * </pre>
 * {@code ./mnemo demo} starts the platform and runs this.
 */
public final class DemoMain {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Command-line options; see {@link #usage()}. */
    record Options(String bootstrap, String prefix, String dataset, int maxSamples, double unlabelledFraction,
                   double badFraction, int classesPerTask, int window, long seed, Path json, Path baselineJson,
                   String learnerUrl, boolean holdout, Duration stallTimeout) {

        Options {
            if (maxSamples < 0) {
                throw new IllegalArgumentException("--max-samples must be >= 0 (0 = the whole training set), got " + maxSamples);
            }
            if (!(unlabelledFraction >= 0 && unlabelledFraction < 1)) {
                throw new IllegalArgumentException("--unlabelled-fraction must be in [0, 1), got " + unlabelledFraction);
            }
            if (!(badFraction >= 0 && badFraction <= 0.5)) {
                throw new IllegalArgumentException("--bad-fraction must be in [0, 0.5], got " + badFraction);
            }
            if (classesPerTask < 1) {
                throw new IllegalArgumentException("--classes-per-task must be >= 1, got " + classesPerTask);
            }
            if (window < 1) {
                throw new IllegalArgumentException("--window must be >= 1, got " + window);
            }
        }
    }

    private final Options options;
    private final PrintStream out;
    private final Clock clock;

    DemoMain(Options options, PrintStream out, Clock clock) {
        this.options = options;
        this.out = out;
        this.clock = clock;
    }

    public static void main(String[] args) {
        try {
            if (args.length >= 1 && args[0].equals("--resolve-dataset")) {
                System.exit(resolve(args.length > 1 ? args[1] : ""));
            }
            Options options = parse(args);
            int code = new DemoMain(options, System.out, Clock.systemUTC()).run();
            System.exit(code);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        } catch (DatasetUnavailableException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(3);
        }
    }

    /** Prints "name features" of the requested (or first available) dataset; 0 when found, else 3. */
    static int resolve(String requested) {
        try {
            String name = requested == null || requested.isBlank()
                    ? Datasets.firstAvailable(Datasets.FASHION_MNIST, Datasets.MNIST).orElse(null)
                    : requested;
            if (name == null) {
                // Let the loader explain what it tried and how to get the data.
                Datasets.load(Datasets.MNIST);
                return 3;
            }
            DatasetSplit split = Datasets.load(name);
            System.out.println(name + " " + split.train().features()[0].length);
            return 0;
        } catch (DatasetUnavailableException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 3;
        }
    }

    int run() {
        DatasetSplit split = Datasets.load(options.dataset());
        LabelledData train = split.train();
        LabelledData test = split.test();
        int features = train.features()[0].length;
        StreamOrder.OrderedStream order = options.maxSamples() > 0
                ? StreamOrder.classIncremental(train, options.classesPerTask(), options.maxSamples(), options.seed())
                : StreamOrder.classIncremental(train, options.classesPerTask(), options.seed());
        Topics topics = Topics.withPrefix(options.prefix());
        Map<String, Object> kafka = dev.mnemo.ingest.KafkaSecurity.clientConfig(options.bootstrap(), System.getenv());
        TopicAdmin.ensure(kafka, topics.all(), 3, (short) 1);

        out.printf(Locale.ROOT, "Streaming %s: %,d samples in %d tasks (%s), %.0f%% unlabelled, into %s%n",
                options.dataset(), order.size(), order.tasks().size(), describeTasks(order),
                options.unlabelledFraction() * 100, topics.samplesRaw());

        PredictionTally tally = new PredictionTally(options.window(), id -> test.labels()[indexOf(id)]);
        Watcher watcher = new Watcher(kafka, topics, tally, clock);
        Thread watcherThread = new Thread(watcher, "demo-watcher");
        watcherThread.setDaemon(true);
        watcherThread.start();
        watcher.awaitAssigned();

        long started = clock.millis();
        AtomicLong badSent = new AtomicLong();
        AtomicReference<DatasetProducer.Result> streamResult = new AtomicReference<>();
        AtomicReference<RuntimeException> sendFailure = new AtomicReference<>();
        AtomicLong sentSoFar = new AtomicLong();
        Thread sender = new Thread(() -> {
            try (KafkaProducer<String, byte[]> badProducer = producer(kafka);
                 DatasetProducer producer = DatasetProducer.connect(kafka,
                         DatasetProducer.Options.to(topics.samplesRaw()).withSource(options.dataset())
                                 .withUnlabelled(options.unlabelledFraction(), options.seed()).withProgressEvery(500))) {
                BadRecords bad = new BadRecords(features, train.classes(), IngestConfig.DEFAULT_MAX_RECORD_BYTES,
                        options.seed(), clock);
                double[] owed = {0};
                // Bad records are interleaved every 500 samples, at the configured rate.
                streamResult.set(producer.send(train, order, (sent, total) -> {
                    sentSoFar.set(sent);
                    owed[0] += options.badFraction() * 500;
                    owed[0] -= sendBad(badProducer, bad, topics, owed[0], badSent);
                }));
                sentSoFar.set(order.size());
                owed[0] += options.badFraction() * (order.size() % 500);
                sendBad(badProducer, bad, topics, Math.ceil(owed[0] - 1e-9), badSent);
                badProducer.flush();
            } catch (RuntimeException e) {
                sendFailure.set(e);
            }
        }, "demo-sender");
        sender.start();

        int code = followStream(order, tally, watcher, sender, streamResult, sendFailure, badSent, sentSoFar, started);
        if (code != 0) {
            watcher.stop();
            return code;
        }
        DatasetProducer.Result result = streamResult.get();
        PredictionTally.Snapshot afterStream = tally.snapshot();
        long endOfStream = afterStream.lastStreamPredictionMillis();

        long holdoutSent = 0;
        if (options.holdout()) {
            // Held-out accuracy is scored by a model that does not change while it is scored: a
            // distilling strategy trains on unlabelled samples too, so learning is paused meanwhile.
            boolean paused = setLearning("pause");
            if (!paused && options.learnerUrl() != null) {
                out.println("demo: could not pause learning through the admin API; with a distilling strategy the"
                        + " held-out images are also trained on while they are scored");
            }
            holdoutSent = sendHoldout(test, order, topics, kafka);
            code = awaitHoldout(tally, watcher, holdoutSent);
            if (paused) {
                setLearning("resume");
            }
        }
        watcher.stop();
        PredictionTally.Snapshot end = tally.snapshot();
        double seconds = Math.max(1, endOfStream - started) / 1000.0;
        // From the first prediction to the last: the pipeline's rate once every stage has started.
        double flowing = Math.max(1, endOfStream - afterStream.firstPredictionMillis()) / 1000.0;
        ObjectNode summary = summary(order, result, badSent.get(), end, afterStream.predictions() / seconds,
                Math.max(0, afterStream.predictions() - 1) / flowing, holdoutSent);
        printSummary(summary);
        writeJson(summary);
        if (options.maxSamples() == 0 && code == 0) {
            out.println("The whole training set has been streamed; Mnemo keeps running. Press Ctrl-C to stop.");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return code;
    }

    private int followStream(StreamOrder.OrderedStream order, PredictionTally tally, Watcher watcher, Thread sender,
                             AtomicReference<DatasetProducer.Result> streamResult,
                             AtomicReference<RuntimeException> sendFailure, AtomicLong badSent, AtomicLong sentSoFar,
                             long started) {
        long lastCount = -1;
        long lastChange = clock.millis();
        long lastPrint = 0;
        long lastPrinted = 0;
        while (true) {
            sleep(250);
            PredictionTally.Snapshot s = tally.snapshot();
            long now = clock.millis();
            if (sendFailure.get() != null) {
                out.println("demo: sending failed: " + sendFailure.get().getMessage());
                return 1;
            }
            if (watcher.failure() != null) {
                out.println("demo: reading predictions failed: " + watcher.failure());
                return 1;
            }
            if (s.predictions() + s.rejectedTotal() != lastCount) {
                lastCount = s.predictions() + s.rejectedTotal();
                lastChange = now;
            } else if (now - lastChange > options.stallTimeout().toMillis()) {
                out.printf(Locale.ROOT, "demo: no new prediction for %d s (%,d of %,d predicted); is the learner"
                        + " running? See the logs.%n", options.stallTimeout().toSeconds(), s.predictions(), order.size());
                return 1;
            }
            boolean sent = !sender.isAlive() && streamResult.get() != null;
            boolean done = sent && s.predictions() >= streamResult.get().sent() && s.rejectedTotal() >= badSent.get();
            if (now - lastPrint >= 2000 || done) {
                double rate = (s.predictions() - lastPrinted) * 1000.0 / Math.max(1, now - lastPrint);
                if (lastPrint == 0) {
                    rate = s.predictions() * 1000.0 / Math.max(1, now - started);
                }
                out.println(progressLine(order, s, sentSoFar.get(), rate));
                lastPrint = now;
                lastPrinted = s.predictions();
            }
            if (done) {
                return 0;
            }
        }
    }

    private String progressLine(StreamOrder.OrderedStream order, PredictionTally.Snapshot s, long sent, double rate) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "sent %,7d/%,d  predicted %,7d  %,6.0f samples/s  accuracy %s",
                sent, order.size(), s.predictions(), rate, pct(s.accuracy())));
        line.append("  per task (window):");
        for (PredictionTally.TaskFigures t : s.tasks().values()) {
            line.append(' ').append(t.task()).append('=').append(pct(t.windowAccuracy()));
        }
        line.append("  rejected ").append(s.rejectedTotal());
        return line.toString();
    }

    private long sendHoldout(LabelledData test, StreamOrder.OrderedStream order, Topics topics, Map<String, Object> kafka) {
        List<int[]> groups = new ArrayList<>();
        for (StreamOrder.Task t : order.tasks()) {
            groups.add(t.classes());
        }
        StreamOrder.OrderedStream holdout = StreamOrder.tasks(test, groups, Integer.MAX_VALUE, options.seed());
        out.printf(Locale.ROOT, "Stream done. Sending %,d held-out test images unlabelled, to score every task"
                + " with the final model...%n", holdout.size());
        try (DatasetProducer producer = DatasetProducer.connect(kafka, DatasetProducer.Options.to(topics.samplesRaw())
                .withSource(PredictionTally.HOLDOUT_SOURCE).withUnlabelled(1.0, options.seed()))) {
            return producer.send(test, holdout).sent();
        }
    }

    private int awaitHoldout(PredictionTally tally, Watcher watcher, long expected) {
        long lastCount = -1;
        long lastChange = clock.millis();
        while (true) {
            PredictionTally.Snapshot s = tally.snapshot();
            if (s.holdoutPredictions() >= expected) {
                return 0;
            }
            long now = clock.millis();
            if (s.holdoutPredictions() != lastCount) {
                lastCount = s.holdoutPredictions();
                lastChange = now;
            } else if (now - lastChange > options.stallTimeout().toMillis() || watcher.failure() != null) {
                out.printf(Locale.ROOT, "demo: hold-out predictions stalled at %,d of %,d%n", s.holdoutPredictions(), expected);
                return 1;
            }
            sleep(200);
        }
    }

    private ObjectNode summary(StreamOrder.OrderedStream order, DatasetProducer.Result result, long badSent,
                               PredictionTally.Snapshot s, double samplesPerSecond, double flowingPerSecond,
                               long holdoutSent) {
        ObjectNode root = JSON.createObjectNode();
        root.put("dataset", options.dataset());
        root.put("samples", result.sent());
        root.put("labelled", result.labelled());
        root.put("unlabelled", result.unlabelled());
        root.put("predictions", s.predictions());
        root.put("distinctPredicted", s.distinctPredicted());
        root.put("duplicatePredictions", s.predictions() - s.distinctPredicted());
        root.put("missingPredictions", Math.max(0, result.sent() - s.distinctPredicted()));
        root.put("malformedSent", badSent);
        ObjectNode rejected = root.putObject("rejected");
        s.rejected().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> rejected.put(e.getKey(), e.getValue()));
        putNumber(root, "accuracy", s.accuracy());
        putNumber(root, "samplesPerSecond", samplesPerSecond);
        putNumber(root, "samplesPerSecondFlowing", flowingPerSecond);
        ArrayNode tasks = root.putArray("tasks");
        for (StreamOrder.Task t : order.tasks()) {
            PredictionTally.TaskFigures f = s.tasks().get(Integer.toString(t.id()));
            ObjectNode node = tasks.addObject();
            node.put("task", t.id());
            ArrayNode classes = node.putArray("classes");
            for (int c : t.classes()) {
                classes.add(c);
            }
            node.put("samples", f == null ? 0 : f.samples());
            putNumber(node, "accuracy", f == null ? Double.NaN : f.accuracy());
            putNumber(node, "windowAccuracyAtEnd", f == null ? Double.NaN : f.windowAccuracy());
            putNumber(node, "finalAccuracy", f == null ? Double.NaN : f.holdoutAccuracy());
            node.put("holdoutSamples", f == null ? 0 : f.holdout());
        }
        if (holdoutSent > 0) {
            long correct = s.tasks().values().stream().mapToLong(PredictionTally.TaskFigures::holdoutCorrect).sum();
            putNumber(root, "finalAccuracy", (double) correct / holdoutSent);
        }
        learnerStatus().ifPresent(status -> root.set("learner", status));
        baseline().ifPresent(trainOnly -> {
            ObjectNode bench = root.putObject("bench");
            putNumber(bench, "trainStepSamplesPerSecond", trainOnly);
            putNumber(bench, "endToEndSamplesPerSecond", samplesPerSecond);
            putNumber(bench, "endToEndOverTrainStep", samplesPerSecond / trainOnly);
            putNumber(bench, "endToEndFlowingSamplesPerSecond", flowingPerSecond);
            putNumber(bench, "endToEndFlowingOverTrainStep", flowingPerSecond / trainOnly);
        });
        return root;
    }

    private void printSummary(ObjectNode summary) {
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  samples %,d (labelled %,d, unlabelled %,d), predictions %,d (duplicates %d, missing %d)%n",
                summary.get("samples").asLong(), summary.get("labelled").asLong(), summary.get("unlabelled").asLong(),
                summary.get("predictions").asLong(), summary.get("duplicatePredictions").asLong(),
                summary.get("missingPredictions").asLong());
        out.printf(Locale.ROOT, "  malformed records sent %d, rejected %s%n", summary.get("malformedSent").asLong(),
                summary.get("rejected"));
        out.printf(Locale.ROOT, "  prequential accuracy %s, end-to-end %,.0f samples/s (%,.0f from the first prediction on)%n",
                pct(summary.get("accuracy").asDouble(Double.NaN)), summary.get("samplesPerSecond").asDouble(),
                summary.get("samplesPerSecondFlowing").asDouble());
        out.println("  task  classes   samples  prequential  window at end  final (held-out)");
        for (JsonNode t : summary.get("tasks")) {
            out.printf(Locale.ROOT, "  %4d  %-8s  %,7d  %11s  %13s  %16s%n", t.get("task").asInt(), t.get("classes").toString(),
                    t.get("samples").asLong(), pct(t.get("accuracy").asDouble(Double.NaN)),
                    pct(t.get("windowAccuracyAtEnd").asDouble(Double.NaN)),
                    pct(t.get("finalAccuracy").asDouble(Double.NaN)));
        }
        if (summary.has("finalAccuracy")) {
            String strategy = summary.path("learner").path("strategy").asText("?");
            out.printf(Locale.ROOT, "  final accuracy over all tasks %s (strategy %s%s)%n",
                    pct(summary.get("finalAccuracy").asDouble()), strategy,
                    "fine-tune".equals(strategy) ? ": plain fine-tuning forgets earlier tasks" : "");
        }
        JsonNode bench = summary.get("bench");
        if (bench != null) {
            out.printf(Locale.ROOT, "%nBench (same run): training step alone %,.0f samples/s; end to end through Kafka"
                            + " %,.0f samples/s, ratio %.3f (from first send to last prediction); %,.0f samples/s,"
                            + " ratio %.3f (from first to last prediction)%n", bench.get("trainStepSamplesPerSecond").asDouble(),
                    bench.get("endToEndSamplesPerSecond").asDouble(), bench.get("endToEndOverTrainStep").asDouble(),
                    bench.get("endToEndFlowingSamplesPerSecond").asDouble(),
                    bench.get("endToEndFlowingOverTrainStep").asDouble());
        }
    }

    private void writeJson(ObjectNode summary) {
        if (options.json() == null) {
            return;
        }
        try {
            Path parent = options.json().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(options.json().toFile(), summary);
            out.println("Summary written to " + options.json());
        } catch (IOException e) {
            out.println("demo: cannot write " + options.json() + ": " + e.getMessage());
        }
    }

    /**
     * {@code POST /admin/learning/pause} or {@code resume} on the learner, as the admin user of
     * {@code MNEMO_ADMIN_USER} and {@code MNEMO_ADMIN_PASSWORD} (default: the demo users bundled in the
     * learner, admin / mnemo-admin); true when the learner answered 200.
     */
    private boolean setLearning(String action) {
        if (options.learnerUrl() == null) {
            return false;
        }
        String user = System.getenv().getOrDefault("MNEMO_ADMIN_USER", "admin");
        String password = System.getenv().getOrDefault("MNEMO_ADMIN_PASSWORD", "mnemo-admin");
        String basic = java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create(options.learnerUrl() + "/admin/learning/" + action))
                    .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Optional<JsonNode> learnerStatus() {
        if (options.learnerUrl() == null) {
            return Optional.empty();
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(options.learnerUrl() + "/status"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<Double> baseline() {
        if (options.baselineJson() == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(options.baselineJson().toFile());
            JsonNode first = node.path("batches").path(0).path("trainSamplesPerSecond");
            return first.isNumber() ? Optional.of(first.asDouble()) : Optional.empty();
        } catch (IOException e) {
            out.println("demo: cannot read " + options.baselineJson() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Sends floor(owed) malformed records and returns how many it sent. */
    private static long sendBad(KafkaProducer<String, byte[]> producer, BadRecords bad, Topics topics, double owed,
                                AtomicLong counter) {
        long n = (long) Math.floor(owed);
        for (long i = 0; i < n; i++) {
            BadRecords.BadRecord r = bad.next();
            producer.send(new ProducerRecord<>(topics.samplesRaw(), r.key(), r.value()));
            counter.incrementAndGet();
        }
        return n;
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, Object> kafka) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static String describeTasks(StreamOrder.OrderedStream order) {
        List<String> parts = new ArrayList<>();
        for (StreamOrder.Task t : order.tasks()) {
            parts.add(t.id() + ":" + java.util.Arrays.toString(t.classes()).replace(" ", ""));
        }
        return String.join(" ", parts);
    }

    private static int indexOf(String sampleId) {
        return Integer.parseInt(sampleId.substring(sampleId.lastIndexOf('-') + 1));
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, Math.round(value * 10000) / 10000.0);
        } else {
            node.putNull(field);
        }
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "  -  ";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Reads predictions and dead letters written after the demo started, into the tally. */
    private static final class Watcher implements Runnable {
        private final Map<String, Object> kafka;
        private final Topics topics;
        private final PredictionTally tally;
        private final Clock clock;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
        private volatile KafkaConsumer<String, byte[]> consumer;
        private volatile String failure;

        Watcher(Map<String, Object> kafka, Topics topics, PredictionTally tally, Clock clock) {
            this.kafka = kafka;
            this.topics = topics;
            this.tally = tally;
            this.clock = clock;
        }

        @Override
        public void run() {
            Map<String, Object> config = new HashMap<>(kafka);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config,
                    new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(topics.predictions(), topics.samplesDlq())) {
                    c.partitionsFor(topic, Duration.ofSeconds(30))
                            .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
                c.assign(partitions);
                c.seekToEnd(partitions);
                partitions.forEach(c::position); // resolve the end offsets now, before anything is sent
                assigned.countDown();
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(topics.predictions())) {
                            Prediction p = MnemoSerdes.prediction().decode(r.value());
                            tally.prediction(p, clock.millis());
                        } else {
                            tally.deadLetter(r.headers());
                        }
                    }
                }
            } catch (WakeupException e) {
                // stopped
            } catch (RuntimeException e) {
                failure = e.toString();
            } finally {
                assigned.countDown();
            }
        }

        void awaitAssigned() {
            try {
                assigned.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new IllegalStateException("cannot read the output topics: " + failure);
            }
        }

        String failure() {
            return failure;
        }

        void stop() {
            stop.set(true);
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }

    // ------------------------------------------------------------------ arguments

    static String usage() {
        return """
                usage: DemoMain --bootstrap HOST:PORT [--dataset fashion-mnist|mnist|digits] [--max-samples N]
                                [--json FILE] [--unlabelled-fraction 0.2] [--bad-fraction 0.002]
                                [--classes-per-task 2] [--window 500] [--seed 7] [--prefix mnemo.]
                                [--learner-url http://localhost:8080] [--no-holdout] [--stall-seconds 120]
                                [--baseline-json FILE]
                       DemoMain --resolve-dataset [NAME]""";
    }

    static Options parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean holdout = true;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--no-holdout")) {
                holdout = false;
                continue;
            }
            if (!flag.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + flag + "'");
            }
            values.put(flag.substring(2), args[++i]);
        }
        List<String> known = List.of("bootstrap", "dataset", "max-samples", "json", "unlabelled-fraction",
                "bad-fraction", "classes-per-task", "window", "seed", "prefix", "learner-url", "stall-seconds",
                "baseline-json");
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        String dataset = values.getOrDefault("dataset", "");
        if (dataset.isBlank()) {
            dataset = Datasets.firstAvailable(Datasets.FASHION_MNIST, Datasets.MNIST, Datasets.DIGITS)
                    .orElse(Datasets.FASHION_MNIST);
        }
        return new Options(
                values.getOrDefault("bootstrap", "localhost:9092"),
                values.getOrDefault("prefix", Topics.DEFAULT_PREFIX),
                dataset,
                Integer.parseInt(values.getOrDefault("max-samples", "0")),
                Double.parseDouble(values.getOrDefault("unlabelled-fraction", "0.2")),
                Double.parseDouble(values.getOrDefault("bad-fraction", "0.002")),
                Integer.parseInt(values.getOrDefault("classes-per-task", "2")),
                Integer.parseInt(values.getOrDefault("window", "500")),
                Long.parseLong(values.getOrDefault("seed", "7")),
                values.containsKey("json") ? Path.of(values.get("json")) : null,
                values.containsKey("baseline-json") ? Path.of(values.get("baseline-json")) : null,
                values.get("learner-url"),
                holdout,
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("stall-seconds", "120"))));
    }
}
