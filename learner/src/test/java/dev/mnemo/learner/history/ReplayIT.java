package dev.mnemo.learner.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.learner.drift.Adwin;
import dev.mnemo.learner.eval.AccuracyMatrix;
import dev.mnemo.learner.eval.ClassificationMetrics;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;

/**
 * {@code ./mnemo replay} on a real broker: a class-incremental Fashion-MNIST stream (5 tasks of 2
 * classes, task tags) on a topic of 2 partitions; a time range of it replayed with fine-tuning and
 * LwF + replay side by side. The report's numbers equal those of a plain test-then-train loop
 * written here, run on the same records with the same seed; the production consumer group's
 * committed offsets are untouched and no consumer group appears.
 */
class ReplayIT {

    private static final int SAMPLES = 3000;
    private static final long SEED = 7L;
    private static final double HOLDOUT = 0.1;
    private static final int BATCH = 64;
    private static final int BLOCK = 128;
    private static final String PRODUCTION_GROUP = "mnemo-learner-production";

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void replayEqualsADirectRunAndLeavesTheProductionGroupAlone() throws Exception {
        assumeTrue(Datasets.firstAvailable(Datasets.FASHION_MNIST).isPresent(),
                "Fashion-MNIST not found; as root: apt-get install dataset-fashion-mnist");
        String topic = kafka.uniquePrefix("replay") + "samples.labelled";
        kafka.createTopics(2, topic);

        DatasetSplit fashion = Datasets.fashionMnist();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(fashion.train(), 2, SAMPLES, 11L);
        // Event times 5 ms apart, starting a minute ago: one distinct timestamp per record.
        Clock stepping = new SteppingClock(System.currentTimeMillis() - 60_000, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer());
             DatasetProducer data = new DatasetProducer(producer, DatasetProducer.Options.to(topic), stepping)) {
            assertThat(data.send(fashion.train(), order).sent()).isEqualTo(SAMPLES);
        }

        // The production learner has committed some offsets: they must stay as they are.
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(
                new TopicPartition(topic, 0), new OffsetAndMetadata(400),
                new TopicPartition(topic, 1), new OffsetAndMetadata(250));
        commit(PRODUCTION_GROUP, committed);
        Map<TopicPartition, OffsetAndMetadata> before = committedOffsets(PRODUCTION_GROUP);
        assertThat(before).isEqualTo(committed);
        Set<String> groupsBefore = groups();

        // The time range: from the 301st record to the 2900th, by event time.
        List<Record> all = readAll(topic);
        assertThat(all).hasSize(SAMPLES);
        long from = all.get(300).timestamp();
        long to = all.get(2900).timestamp();
        List<Record> range = all.subList(300, 2900);

        Path out = Files.createTempDirectory("replay-it");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int status = ReplayMain.run(new String[] {
            "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
            "--from-time", Instant.ofEpochMilli(from).toString(), "--to-time", Long.toString(to),
            "--strategies", "fine-tune,lwf+replay", "--seed", Long.toString(SEED), "--holdout", Double.toString(HOLDOUT),
            "--batch", Integer.toString(BATCH), "--block", Integer.toString(BLOCK), "--out", out.toString(), "--quiet"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        double replaySeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(status).as("exit status; stderr: %s", stderr).isZero();
        System.out.println(stdout.toString(StandardCharsets.UTF_8));

        // Nothing touched the production group, and the replay used none.
        assertThat(committedOffsets(PRODUCTION_GROUP)).isEqualTo(before);
        assertThat(groups()).isEqualTo(groupsBefore);

        JsonNode json = new ObjectMapper().readTree(out.resolve("replay.json").toFile());
        for (String key : List.of("format", "range", "partitions", "config", "startingModel", "records", "tasks",
                "holdoutPerTask", "throughput", "lanes")) {
            assertThat(json.has(key)).as("JSON key %s", key).isTrue();
        }
        // The exact offsets read: every record of the range, from both partitions.
        long readFromPartitions = 0;
        for (JsonNode p : json.get("partitions")) {
            readFromPartitions += p.get("records").asLong();
            long first = range.stream().filter(r -> r.partition() == p.get("partition").asInt())
                    .mapToLong(Record::offset).min().orElseThrow();
            assertThat(p.get("firstOffsetRead").asLong()).isEqualTo(first);
            assertThat(p.get("startOffset").asLong()).isEqualTo(first);
        }
        assertThat(readFromPartitions).isEqualTo(range.size());
        assertThat(json.get("records").get("read").asLong()).isEqualTo(range.size());
        assertThat(json.get("config").get("seed").asLong()).isEqualTo(SEED);
        assertThat(json.get("startingModel").get("kind").asText()).isEqualTo("fresh");

        // The same strategies run directly on the same records, same seed: the same numbers.
        List<String> tasks = new ArrayList<>();
        for (JsonNode t : json.get("tasks")) {
            tasks.add(t.asText());
        }
        JsonNode lanes = json.get("lanes");
        assertThat(lanes).hasSize(2);
        for (int i = 0; i < 2; i++) {
            String name = List.of("fine-tune", "lwf+replay").get(i);
            Direct direct = Direct.run(name, range);
            JsonNode lane = lanes.get(i);
            assertThat(lane.get("name").asText()).isEqualTo(name);
            assertThat(direct.tasks).as("task order").isEqualTo(tasks);
            assertThat(lane.get("prequential").get("scored").asLong()).isEqualTo(direct.scored);
            assertThat(lane.get("prequential").get("correct").asLong()).as("%s prequential correct", name)
                    .isEqualTo(direct.correct);
            for (int c = 0; c < 10; c++) {
                assertThat(lane.get("perClass").get(c).get("correct").asLong()).as("%s class %d", name, c)
                        .isEqualTo(direct.correctPerClass[c]);
            }
            JsonNode m = lane.get("accuracyMatrix");
            for (int r = 0; r < tasks.size(); r++) {
                for (int c = 0; c < tasks.size(); c++) {
                    assertThat(m.get("rows").get(r).get(c).asDouble()).as("%s R[%d][%d]", name, r, c)
                            .isEqualTo(direct.matrix.get(r, c));
                }
            }
            assertThat(m.get("acc").asDouble()).isEqualTo(direct.matrix.acc());
            assertThat(m.get("bwt").asDouble()).isEqualTo(direct.matrix.bwt());
            assertThat(m.get("fwt").asDouble()).isEqualTo(direct.matrix.fwt());
            assertThat(m.get("forgetting").asDouble()).isEqualTo(direct.matrix.forgetting());
            assertThat(lane.get("holdout").get("accuracy").asDouble()).isEqualTo(direct.holdoutAccuracy);
            List<Long> driftPositions = new ArrayList<>();
            lane.get("driftEvents").forEach(d -> driftPositions.add(d.get("position").asLong()));
            assertThat(driftPositions).as("%s drift positions", name).isEqualTo(direct.driftPositions);
            System.out.printf("%s: prequential %.4f, ACC %.4f, BWT %.4f, FWT %.4f, forgetting %.4f, holdout %.4f,"
                            + " %d drift events%n", name, (double) direct.correct / direct.scored, direct.matrix.acc(),
                    direct.matrix.bwt(), direct.matrix.fwt(), direct.matrix.forgetting(), direct.holdoutAccuracy,
                    direct.driftPositions.size());
        }
        assertThat(tasks).hasSize(5);

        String html = Files.readString(out.resolve("replay.html"));
        assertThat(html.split("<svg", -1).length - 1).as("SVG charts: accuracy, 2 heat maps, per class").isEqualTo(4);
        assertThat(html).contains("id=\"accuracy-over-time\"").contains("id=\"final-metrics\"")
                .contains("<h3>fine-tune</h3>").contains("<h3>lwf+replay</h3>").doesNotContain("<script");
        System.out.printf("replay of %d records with 2 lanes: %.1f s (report in %s)%n", range.size(), replaySeconds, out);
    }

    @Test
    void replayStartsFromAModelVersionPublishedOnTheModelsTopic() throws Exception {
        assumeTrue(Datasets.firstAvailable(Datasets.FASHION_MNIST).isPresent(),
                "Fashion-MNIST not found; as root: apt-get install dataset-fashion-mnist");
        String prefix = kafka.uniquePrefix("replay-version");
        String topic = prefix + "samples.labelled";
        String models = prefix + "models";
        kafka.createTopics(1, topic, models);
        DatasetSplit fashion = Datasets.fashionMnist();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(fashion.train(), 2, 600, 5L);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer());
             DatasetProducer data = new DatasetProducer(producer, DatasetProducer.Options.to(topic))) {
            data.send(fashion.train(), order);
        }

        // A model trained elsewhere, checkpointed, and published as version N, as the learner does.
        ContinualTrainer trainer = StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(784, 10).withSeed(3L));
        float[][] x = new float[64][];
        int[] y = new int[64];
        for (int i = 0; i < 64; i++) {
            x[i] = fashion.train().feature(i);
            y[i] = fashion.train().label(i);
        }
        for (int step = 0; step < 5; step++) {
            trainer.step(Batch.labelled(x, y, 0));
        }
        Path checkpoints = Files.createTempDirectory("replay-it-checkpoints");
        dev.mnemo.learner.checkpoint.CheckpointInfo info = new dev.mnemo.learner.checkpoint.CheckpointStore(checkpoints, 3,
                Clock.systemUTC()).write(dev.mnemo.learner.checkpoint.CheckpointContent.capture(trainer, Map.of(),
                List.of()));
        dev.mnemo.schemas.v1.ModelVersion version = dev.mnemo.schemas.v1.ModelVersion.newBuilder().setModelName("default")
                .setVersion(info.modelVersion()).setStrategy("fine-tune").setCreatedAt(info.createdAt())
                .setCheckpointUri(info.uri()).build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(models, "default",
                    MnemoSerdes.modelVersion().encode(version))).get(30, TimeUnit.SECONDS);
        }

        Path out = Files.createTempDirectory("replay-it-version");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = ReplayMain.run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic", topic,
            "--from-offset", "100", "--to-offset", "400", "--from", "version:" + info.modelVersion(),
            "--models-topic", models, "--strategies", "fine-tune,lwf", "--out", out.toString(), "--quiet"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(status).as("exit status; stderr: %s", stderr).isZero();

        JsonNode json = new ObjectMapper().readTree(out.resolve("replay.json").toFile());
        assertThat(json.get("startingModel").get("kind").asText()).isEqualTo("version");
        assertThat(json.get("startingModel").get("version").asLong()).isEqualTo(info.modelVersion()).isEqualTo(5L);
        assertThat(json.get("startingModel").get("source").asText()).isEqualTo(info.uri());
        assertThat(json.get("records").get("read").asLong()).isEqualTo(300);
        JsonNode partition = json.get("partitions").get(0);
        assertThat(partition.get("startOffset").asLong()).isEqualTo(100);
        assertThat(partition.get("endOffset").asLong()).isEqualTo(400);
        for (JsonNode lane : json.get("lanes")) {
            // Each lane continued from version 5: one version per training step after it.
            assertThat(lane.get("model").get("finalVersion").asLong())
                    .isEqualTo(5L + lane.get("model").get("trainingSteps").asLong());
        }

        // The report's command line reads the same offsets with the same configuration: same numbers.
        String reproduce = json.get("reproduce").asText();
        assertThat(reproduce).contains("--from-offset 0:100").contains("--to-offset 0:400")
                .contains("--from version:" + info.modelVersion()).contains("--seed 7");
        List<String> again = new ArrayList<>(List.of(reproduce.substring("./mnemo replay ".length()).split(" ")));
        Path out2 = Files.createTempDirectory("replay-it-version-again");
        again.addAll(List.of("--bootstrap", kafka.bootstrapServers(), "--models-topic", models, "--out", out2.toString(),
                "--quiet"));
        assertThat(ReplayMain.run(again.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8))).as("stderr: %s", stderr).isZero();
        JsonNode json2 = new ObjectMapper().readTree(out2.resolve("replay.json").toFile());
        assertThat(withoutTimings(json2).get("lanes")).isEqualTo(withoutTimings(json).get("lanes"));
        assertThat(json2.get("partitions")).isEqualTo(json.get("partitions"));

        // An unknown version is a clear error, not a fresh start.
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int missing = ReplayMain.run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic", topic,
            "--from", "version:999", "--models-topic", models, "--out", out.toString(), "--quiet"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(missing).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no model version 999");
    }

    private static JsonNode withoutTimings(JsonNode json) {
        JsonNode copy = json.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("throughput");
        copy.get("lanes").forEach(l -> ((com.fasterxml.jackson.databind.node.ObjectNode) l).remove("throughput"));
        return copy;
    }

    /** The test-then-train loop of the specification, written plainly, on a list of records. */
    private static final class Direct {
        final List<String> tasks = new ArrayList<>();
        long scored;
        long correct;
        final long[] correctPerClass = new long[10];
        AccuracyMatrix matrix;
        double holdoutAccuracy;
        final List<Long> driftPositions = new ArrayList<>();

        static Direct run(String strategy, List<Record> records) {
            Direct d = new Direct();
            StrategySpec defaults = StrategySpec.parse(strategy);
            StrategySpec spec = new StrategySpec(strategy, defaults.replaySize(), defaults.bufferCapacity(),
                    defaults.bufferPolicy(), defaults.uint8Buffer(), defaults.temperature(), defaults.lambda(), SEED);
            ContinualTrainer trainer = spec.trainer(MlpSpec.defaults(784, 10).withSeed(SEED));
            Classifier start = trainer.model().copy();
            Holdout holdout = Holdout.byIdHash(HOLDOUT);
            Map<String, List<Record>> test = new LinkedHashMap<>();
            List<Record> train = new ArrayList<>();
            for (Record r : records) {
                if (holdout.test(r.sample())) {
                    test.computeIfAbsent(r.sample().taskTag(), t -> new ArrayList<>()).add(r);
                } else {
                    train.add(r);
                }
            }
            Map<String, Integer> taskIndex = new HashMap<>();
            List<Classifier> ends = new ArrayList<>();
            Adwin adwin = Adwin.withDelta(0.002);
            // Test-then-train by training chunk, whatever the blocks: a chunk ends after BATCH labelled
            // samples, and before the first sample of a new task tag, which ends the task first. Each
            // chunk is predicted with the model as it is just before the step that trains on it.
            List<Record> chunk = new ArrayList<>();
            for (Record r : train) {
                String tag = r.sample().taskTag();
                if (!taskIndex.containsKey(tag)) {
                    if (!taskIndex.isEmpty()) {
                        testThenTrain(d, trainer, chunk, taskIndex, adwin);
                        ends.add(trainer.model().copy());
                        trainer.taskBoundary();
                    }
                    taskIndex.put(tag, taskIndex.size());
                    d.tasks.add(tag);
                }
                chunk.add(r);
                if (chunk.size() == BATCH) {
                    testThenTrain(d, trainer, chunk, taskIndex, adwin);
                }
            }
            testThenTrain(d, trainer, chunk, taskIndex, adwin);
            ends.add(trainer.model().copy());
            int n = d.tasks.size();
            d.matrix = new AccuracyMatrix(n);
            double[] baseline = new double[n];
            for (int j = 0; j < n; j++) {
                List<Record> held = test.get(d.tasks.get(j));
                baseline[j] = accuracy(start, held);
                for (int i = 0; i < n; i++) {
                    d.matrix.set(i, j, accuracy(ends.get(i), held));
                }
            }
            d.matrix.setBaseline(baseline);
            List<Record> allHeld = new ArrayList<>();
            test.values().forEach(allHeld::addAll);
            d.holdoutAccuracy = accuracy(trainer.model(), allHeld);
            return d;
        }

        private static void testThenTrain(Direct d, ContinualTrainer trainer, List<Record> chunk,
                                          Map<String, Integer> taskIndex, Adwin adwin) {
            if (chunk.isEmpty()) {
                return;
            }
            float[][] x = new float[chunk.size()][];
            int[] t = new int[chunk.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = chunk.get(i).sample().features();
                t[i] = taskIndex.getOrDefault(chunk.get(i).sample().taskTag(), 0);
            }
            Predictions p = trainer.predict(x, t);
            for (int i = 0; i < x.length; i++) {
                int label = chunk.get(i).sample().label();
                boolean right = p.predictedClass()[i] == label;
                d.scored++;
                if (right) {
                    d.correct++;
                    d.correctPerClass[label]++;
                }
                adwin.update(right ? 0 : 1);
                if (adwin.driftDetected()) {
                    d.driftPositions.add(d.scored);
                }
            }
            step(trainer, chunk, taskIndex);
        }

        private static void step(ContinualTrainer trainer, List<Record> chunk, Map<String, Integer> taskIndex) {
            if (chunk.isEmpty()) {
                return;
            }
            float[][] x = new float[chunk.size()][];
            int[] y = new int[chunk.size()];
            int[] t = new int[chunk.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = chunk.get(i).sample().features();
                y[i] = chunk.get(i).sample().label();
                t[i] = taskIndex.get(chunk.get(i).sample().taskTag());
            }
            trainer.step(new Batch(x, y, t));
            chunk.clear();
        }

        private static double accuracy(Classifier model, List<Record> records) {
            float[][] x = new float[records.size()][];
            int[] y = new int[records.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = records.get(i).sample().features();
                y[i] = records.get(i).sample().label();
            }
            return ClassificationMetrics.evaluate(model, x, y).accuracy();
        }
    }

    private record Record(int partition, long offset, long timestamp, ReplaySample sample) {
    }

    /** Every record of the topic, decoded, in event-time order: read with plain assignment. */
    private List<Record> readAll(String topic) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Record> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < SAMPLES && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Sample s = MnemoSerdes.sample().decode(r.value());
                    float[] x = dev.mnemo.schemas.SampleFeatures.of(s);
                    out.add(new Record(r.partition(), r.offset(), r.timestamp(), new ReplaySample(r.topic(), r.partition(),
                            r.offset(), r.timestamp(), s.getId(), s.getTask(), s.getLabel(), x)));
                }
            }
        }
        out.sort(Comparator.comparingLong(Record::timestamp));
        return out;
    }

    private void commit(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(offsets.keySet());
            consumer.commitSync(offsets);
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }

    private Set<String> groups() throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Set<String> out = new HashSet<>();
            for (GroupListing g : admin.listGroups().all().get(30, TimeUnit.SECONDS)) {
                out.add(g.groupId());
            }
            return out;
        }
    }

    /** A clock that moves {@code stepMillis} forward on every reading. */
    private static final class SteppingClock extends Clock {
        private long next;
        private final long step;

        SteppingClock(long start, long step) {
            this.next = start;
            this.step = step;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            long now = next;
            next += step;
            return Instant.ofEpochMilli(now);
        }

        @Override
        public synchronized long millis() {
            return instant().toEpochMilli();
        }
    }
}
