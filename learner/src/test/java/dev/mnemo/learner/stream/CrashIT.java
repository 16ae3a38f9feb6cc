package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.checkpoint.ConsumedOffset;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The packaged learner, with checkpoints, killed with SIGKILL at random points while a labelled
 * stream is produced, then restarted each time: every sample is trained on, and each kill makes the
 * next process re-process only what followed the last checkpoint (at most every-batches x
 * max-poll-records records).
 */
class CrashIT {

    private static final int SAMPLES = 8000;
    private static final int BATCH = 100;
    private static final int EVERY_BATCHES = 5;
    private static final int KILLS = 5;
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void killedLearnersLoseNothingAndRepeatLittle() throws Exception {
        assertThat(JAR).as("the packaged learner (failsafe runs after package)").exists();
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("crash"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 1, (short) 1);
        Path dir = Files.createTempDirectory("mnemo-crash-it");
        Path logs = Files.createDirectories(Path.of("target/crash-it"));
        LabelledData digits = Datasets.digits();

        AtomicInteger produced = new AtomicInteger();
        Thread producerThread = new Thread(() -> produce(topics, digits, produced), "crash-it-producer");
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
                "-Dmnemo.model.inputs=64",
                "-Dmnemo.model.hidden=32",
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

    /** Produces the stream slowly enough that the kills land while it is still arriving. */
    private void produce(Topics topics, LabelledData digits, AtomicInteger produced) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < SAMPLES; i++) {
                int row = i % digits.size();
                Sample s = Sample.newBuilder().setId("s-" + i).setSource("crash").setEventTime(Instant.ofEpochMilli(i))
                        .setFeatures(boxed(digits.features()[row])).setLabel(digits.labels()[row])
                        .setTask(i < SAMPLES / 3 ? "first" : "second").build();
                producer.send(new ProducerRecord<>(topics.samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
                produced.incrementAndGet();
                if (i % 100 == 99) {
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
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> perId = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.predictions(), Duration.ofSeconds(10))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Set<TopicPartition> done = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done.size() < partitions.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Prediction p = MnemoSerdes.prediction().decode(r.value());
                    perId.merge(p.getSampleId(), 1, Integer::sum);
                }
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) >= end.get(tp)) {
                        done.add(tp);
                    }
                }
            }
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
