package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.checkpoint.ConsumedOffset;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The packaged learner, with checkpoints, killed with SIGKILL at random points while a labelled
 * stream is produced, then restarted each time: every sample is trained on, each kill makes the
 * next process re-process only what followed the last checkpoint (at most every-batches x
 * max-poll-records records), model versions only increase, and the final model is as accurate on
 * held-out data as that of a learner that ran the same stream without interruption. A second test
 * truncates the newest checkpoint of a stopped learner: the next one starts from the previous
 * checkpoint, says why in its log, and still predicts every sample.
 */
class CrashIT {

    private static final int SAMPLES = 8000;
    private static final int BATCH = 100;
    private static final int EVERY_BATCHES = 5;
    private static final int KILLS = 5;
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    /**
     * MNIST: the stream takes the first images of the training set, accuracy is measured on the
     * 10,000 test images (large enough that two runs differing only in how the stream was cut into
     * batches score within a fraction of a point).
     */
    private static final DatasetSplit DATA = Datasets.mnist();

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void killedLearnersLoseNothingAndRepeatLittle() throws Exception {
        assertThat(JAR).as("the packaged learner (failsafe runs after package)").exists();
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("crash"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 1, (short) 1);
        Path dir = Files.createTempDirectory("mnemo-crash-it");
        Path logs = Files.createDirectories(Path.of("target/crash-it"));

        AtomicInteger produced = new AtomicInteger();
        Thread producerThread = new Thread(() -> produce(topics, SAMPLES, true, produced), "crash-it-producer");
        producerThread.start();

        SplittableRandom random = new SplittableRandom(20261122L);
        List<String> report = new ArrayList<>();
        long totalRepeated = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            Process learner = start(topics, dir, logs.resolve("learner-" + kill + ".log"));
            // Wait until it is predicting (new samples or re-processed ones), then a random time more, then SIGKILL.
            long before = totalPredictions(topics);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (totalPredictions(topics) <= before && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(200 + random.nextInt(2500));
            learner.destroyForcibly();
            assertThat(learner.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long processed = distinctPredicted(topics);
            long covered = new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid().checkpoint()
                    .map(CrashIT::covered).orElse(0L);
            long repeatBound = (long) EVERY_BATCHES * BATCH;
            report.add(String.format("kill %d: processed %d, last checkpoint covers %d, to re-process %d (bound %d)",
                    kill, processed, covered, processed - covered, repeatBound));
            assertThat(processed - covered).as("kill %d: records after the last checkpoint", kill)
                    .isBetween(0L, repeatBound);
            totalRepeated += processed - covered;
        }
        producerThread.join(120_000);
        assertThat(produced.get()).isEqualTo(SAMPLES);

        Process last = start(topics, dir, logs.resolve("learner-final.log"));
        Map<String, Integer> perId;
        try {
            // Until the backlog of the last kill is re-processed and checkpointed.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline && new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid()
                    .checkpoint().map(CrashIT::covered).orElse(0L) < SAMPLES) {
                Thread.sleep(250);
            }
        } finally {
            last.destroy(); // SIGTERM: a clean stop, which checkpoints
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        perId = predictionsPerId(topics);
        long duplicates = perId.values().stream().mapToLong(n -> n - 1).sum();
        report.forEach(System.out::println);
        System.out.printf("crash IT: %d samples, %d kills, %d predictions repeated in all (sum of per-kill re-processing %d,"
                + " bound %d per kill)%n", SAMPLES, KILLS, duplicates, totalRepeated, EVERY_BATCHES * BATCH);
        assertThat(perId).as("every sample predicted, so trained on").hasSize(SAMPLES);
        assertThat(duplicates).as("repeats are at most what followed the last checkpoint at each kill (a process"
                + " killed before it re-processed all of its backlog repeats less)").isBetween(1L, totalRepeated);
        Checkpoint finalCheckpoint = new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid().checkpoint()
                .orElseThrow();
        assertThat(covered(finalCheckpoint)).as("the clean stop checkpointed everything").isEqualTo(SAMPLES);

        List<Long> versions = TopicReader.readAll(kafka, topics.models(), Duration.ofSeconds(10)).stream()
                .map(r -> MnemoSerdes.modelVersion().decode(r.value()).getVersion()).toList();
        assertThat(versions).as("model versions published across %d kills", KILLS).hasSizeGreaterThan(KILLS)
                .isSorted().doesNotHaveDuplicates();

        // The same stream, the same configuration and seed, without interruption.
        Topics calm = Topics.withPrefix(kafka.uniquePrefix("calm"));
        TopicAdmin.ensure(kafka.clientConfig(), calm.all(), 1, (short) 1);
        Path calmDir = Files.createTempDirectory("mnemo-calm-it");
        produce(calm, SAMPLES, false, new AtomicInteger());
        Checkpoint calmCheckpoint = runToEnd(calm, calmDir, logs.resolve("learner-uninterrupted.log"));
        double killedAccuracy = heldOutAccuracy(finalCheckpoint);
        double calmAccuracy = heldOutAccuracy(calmCheckpoint);
        System.out.printf("crash IT: held-out accuracy %.4f after %d kills, %.4f uninterrupted (difference %.2f points)%n",
                killedAccuracy, KILLS, calmAccuracy, 100 * (killedAccuracy - calmAccuracy));
        assertThat(calmAccuracy).as("the uninterrupted learner learned the digits").isGreaterThan(0.85);
        assertThat(Math.abs(killedAccuracy - calmAccuracy)).as("final accuracy within 1 point of the uninterrupted run")
                .isLessThanOrEqualTo(0.01);
    }

    @Test
    void aTruncatedNewestCheckpointFallsBackToThePreviousOne() throws Exception {
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("corrupt"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 1, (short) 1);
        Path dir = Files.createTempDirectory("mnemo-corrupt-it");
        Path logs = Files.createDirectories(Path.of("target/crash-it"));
        int samples = 2000;
        produce(topics, samples, false, new AtomicInteger());

        Checkpoint newest = runToEnd(topics, dir, logs.resolve("corrupt-first.log"));
        List<CheckpointInfo> kept = new CheckpointStore(dir, 3, Clock.systemUTC()).list();
        assertThat(kept).as("checkpoints kept by the first learner").hasSizeGreaterThanOrEqualTo(2);
        assertThat(kept.get(0)).isEqualTo(newest.info());
        CheckpointInfo previous = kept.get(1); // newest first
        Path model = newest.info().directory().resolve(CheckpointStore.MODEL);
        long size = Files.size(model);
        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.WRITE)) {
            channel.truncate(size / 2);
        }

        Path log = logs.resolve("corrupt-second.log");
        Checkpoint after = runToEnd(topics, dir, log);
        String text = Files.readString(log);
        assertThat(text).as("the learner says which checkpoint it skipped and why")
                .containsPattern("Skipped checkpoint " + Pattern.quote(newest.info().directory().toString()) + ": .*truncated: "
                        + Pattern.quote(CheckpointStore.MODEL))
                .contains("Restored checkpoint " + previous.directory());
        assertThat(predictionsPerId(topics)).as("every sample predicted").hasSize(samples);
        assertThat(after.info().sequence()).as("the second learner checkpointed the end after the skipped one")
                .isGreaterThan(newest.info().sequence());
    }

    /** Starts a learner, waits until a checkpoint covers the whole topic, stops it cleanly; its last checkpoint. */
    private Checkpoint runToEnd(Topics topics, Path dir, Path log) throws Exception {
        Process learner = start(topics, dir, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline && new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid()
                    .checkpoint().map(CrashIT::covered).orElse(0L) < endOffset(topics)) {
                Thread.sleep(250);
            }
        } finally {
            learner.destroy();
            assertThat(learner.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        Checkpoint last = new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid().checkpoint().orElseThrow();
        assertThat(covered(last)).as("the clean stop checkpointed everything").isEqualTo(endOffset(topics));
        return last;
    }

    private long endOffset(Topics topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topics.samplesLabelled(), 0);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static double heldOutAccuracy(Checkpoint checkpoint) {
        LabelledData test = DATA.test();
        int[] predicted = checkpoint.model().predict(test.features()).predictedClass();
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == test.labels()[i] ? 1 : 0;
        }
        return correct / (double) predicted.length;
    }

    private static long covered(Checkpoint c) {
        return c.offsets().stream().mapToLong(ConsumedOffset::nextOffset).sum();
    }

    private Process start(Topics topics, Path dir, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx1g",
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dquarkus.http.port=0",
                "-Dmnemo.topics.prefix=" + topics.prefix(),
                "-Dmnemo.topics.partitions=1",
                "-Dmnemo.model.inputs=784",
                "-Dmnemo.model.hidden=64",
                // A rate that converges within the stream, so that the final accuracy measures what was kept, not
                // how many steps happened to run.
                "-Dmnemo.model.learning-rate=0.005",
                "-Dmnemo.strategy.name=lwf+replay",
                "-Dmnemo.strategy.buffer-capacity=300",
                "-Dmnemo.learner.group-id=crash-" + topics.prefix(),
                // A killed member leaves the group only when its session expires (45 s by default).
                "-Dkafka.session.timeout.ms=6000",
                "-Dmnemo.learner.max-poll-records=" + BATCH,
                "-Dmnemo.checkpoint.dir=" + dir.toAbsolutePath(),
                "-Dmnemo.checkpoint.every-batches=" + EVERY_BATCHES,
                "-Dmnemo.checkpoint.interval=2s",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-jar", JAR.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        return builder.start();
    }

    /**
     * Produces {@code count} labelled samples from MNIST's training part, in two tasks;
     * when paced, slowly enough that the kills land while the stream is still arriving.
     */
    private void produce(Topics topics, int count, boolean paced, AtomicInteger produced) {
        LabelledData train = DATA.train();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                int row = i % train.size();
                Sample s = Sample.newBuilder().setId("s-" + i).setSource("crash").setEventTime(Instant.ofEpochMilli(i))
                        .setFeatures(boxed(train.features()[row])).setLabel(train.labels()[row])
                        .setTask(i < count / 3 ? "first" : "second").build();
                producer.send(new ProducerRecord<>(topics.samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
                produced.incrementAndGet();
                if (paced && i % 100 == 99) {
                    producer.flush();
                    Thread.sleep(700);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long distinctPredicted(Topics topics) {
        return predictionsPerId(topics).size();
    }

    private long totalPredictions(Topics topics) {
        return predictionsPerId(topics).values().stream().mapToLong(Integer::longValue).sum();
    }

    private Map<String, Integer> predictionsPerId(Topics topics) {
        Map<String, Integer> perId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(kafka, topics.predictions(), Duration.ofSeconds(30))) {
            perId.merge(MnemoSerdes.prediction().decode(r.value()).getSampleId(), 1, Integer::sum);
        }
        return perId;
    }

    private static List<Float> boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return List.of(out);
    }
}
