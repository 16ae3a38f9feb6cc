package dev.mnemo.learner.stream;

import static dev.mnemo.learner.checkpoint.BufferAssertions.assertSameContents;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.checkpoint.ConsumedOffset;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.Lwf;
import dev.mnemo.learner.strategy.Replay;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.ModelVersion;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * A learner with checkpoints stops like a crash mid-stream (no final checkpoint, no commit); a new
 * loop with a fresh trainer restores the checkpoint and finishes the stream. The restored model,
 * teacher and buffer are the checkpointed ones, every sample is trained on, and only the records
 * processed after the last checkpoint are processed twice.
 */
class CheckpointIT {

    private static final int SAMPLES = 3000;
    private static final int BATCH = 100;
    private static final int EVERY_BATCHES = 5;
    /**
     * Records repeated after a crash, at most: the interval closed by the last durable checkpoint,
     * plus what was processed while the next one was being written (it is captured, then written by
     * another thread while the engine goes on; a capture that falls due meanwhile waits), so two
     * intervals.
     */
    private static final int BOUND = 2 * EVERY_BATCHES * BATCH;
    private static final StrategySpec STRATEGY = StrategySpec.parse("lwf+replay").withBuffer(300, "class-balanced");
    private static final MlpSpec MODEL = MlpSpec.defaults(64, 10);

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void aRestoredLearnerContinuesFromItsCheckpoint() throws Exception {
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("ckpt"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 2, (short) 1);
        LabelledData digits = Datasets.digits();
        Map<String, float[]> features = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < SAMPLES; i++) {
                int row = i % digits.size();
                // Two tasks by tag: the second starts a third of the way in, so LwF has a teacher.
                Sample s = Sample.newBuilder().setId("s-" + i).setSource("it").setEventTime(Instant.ofEpochMilli(i))
                        .setFeatures(boxed(digits.features()[row])).setLabel(digits.labels()[row])
                        .setTask(i < SAMPLES / 4 ? "first" : "second").build();
                features.put(s.getId(), digits.features()[row]);
                producer.send(new ProducerRecord<>(topics.samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
            }
        }
        Path dir = Files.createTempDirectory("mnemo-ckpt-it");
        LearnerLoopConfig config = LearnerLoopConfig.defaults(topics).withGroupId("ckpt-" + topics.prefix())
                .withMaxPollRecords(BATCH)
                .withCheckpoints(new LearnerLoopConfig.Checkpoints(dir, EVERY_BATCHES, Duration.ofHours(1), 10));

        LearnerLoop first = new LearnerLoop(config, STRATEGY.trainer(MODEL), kafka.clientConfig(), Clock.systemUTC());
        Thread t1 = new Thread(first, "first");
        t1.start();
        long firstDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while ((first.status().predicted() < SAMPLES / 2 || first.lastCheckpoint() == null)
                && System.nanoTime() < firstDeadline) {
            Thread.sleep(2);
        }
        assertThat(first.lastCheckpoint()).as("the first learner checkpointed; status %s", first.status()).isNotNull();
        first.abandon();
        assertThat(first.awaitStopped(Duration.ofSeconds(30))).isTrue();
        long firstPredicted = first.status().predicted();
        assertThat(firstPredicted).as("the first learner stopped mid-stream").isLessThan(SAMPLES);
        CheckpointInfo last = first.lastCheckpoint();

        Checkpoint checkpoint = new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid().checkpoint().orElseThrow();
        assertThat(checkpoint.info()).isEqualTo(last);
        long covered = checkpoint.offsets().stream().mapToLong(ConsumedOffset::nextOffset).sum();
        long reprocessed = firstPredicted - covered;
        assertThat(reprocessed).as("records processed after the last checkpoint")
                .isBetween(0L, (long) BOUND);

        ContinualTrainer trainer = STRATEGY.trainer(MODEL);
        LearnerLoop second = new LearnerLoop(config, trainer, kafka.clientConfig(), Clock.systemUTC());
        assertThat(second.restoreCheckpoint()).contains(last);
        float[][] probe = new float[200][];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = digits.features()[i * 7 % digits.size()];
        }
        assertThat(trainer.model().version()).isEqualTo(last.modelVersion());
        assertThat(second.servingModel().version()).isEqualTo(last.modelVersion());
        assertThat(trainer.model().predict(probe).probabilities()).isDeepEqualTo(checkpoint.model().predict(probe).probabilities());
        assertThat(trainer.strategy(Lwf.class).orElseThrow().teacher().orElseThrow().logits(probe))
                .isDeepEqualTo(checkpoint.content().strategy("lwf").flatMap(s -> s.network("teacher")).orElseThrow().logits(probe));
        assertSameContents((CompactReplayBuffer) trainer.strategy(Replay.class).orElseThrow().buffer(),
                checkpoint.content().strategy("replay").flatMap(s -> s.buffer("buffer")).orElseThrow());
        assertThat(trainer.tasksEnded()).isEqualTo(1);
        assertThat(checkpoint.content().state().watch()).as("the drift watch's state is checkpointed")
                .containsKeys("position", "armed", "novelty-threshold", "detector.error", "detector.novelty");

        Thread t2 = new Thread(second, "second");
        t2.start();
        List<ConsumerRecord<String, byte[]>> predictions;
        CheckpointInfo rolledBack;
        long versionBeforeRollback;
        try {
            predictions = TopicReader.readExactly(kafka, topics.predictions(), (int) (SAMPLES + reprocessed),
                    Duration.ofSeconds(120));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (second.status().trainedSamples() < SAMPLES - covered && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(second.status().trainedSamples()).as("trained by the restored learner; status %s",
                    second.status()).isGreaterThanOrEqualTo(SAMPLES - covered);
            versionBeforeRollback = second.status().modelVersion();
            rolledBack = second.requestRollback(last.modelVersion()).get(60, java.util.concurrent.TimeUnit.SECONDS);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> second.requestRollback(999_999).get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(java.util.NoSuchElementException.class)
                    .hasMessageContaining("no kept checkpoint holds model version 999999");
        } finally {
            second.stop();
            assertThat(second.awaitStopped(Duration.ofSeconds(30))).isTrue();
        }
        Map<String, Integer> perId = new HashMap<>();
        int atCheckpointVersion = 0;
        for (ConsumerRecord<String, byte[]> r : predictions) {
            Prediction p = MnemoSerdes.prediction().decode(r.value());
            perId.merge(p.getSampleId(), 1, Integer::sum);
            if (p.getModelVersion() == last.modelVersion()) {
                // Made by the checkpointed model, before or after the restore: the same probabilities.
                float[] expected = checkpoint.model().predict(new float[][] {features.get(p.getSampleId())})
                        .probabilities()[0];
                for (int c = 0; c < expected.length; c++) {
                    assertThat(p.getProbabilities().get(c)).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-6f));
                }
                atCheckpointVersion++;
            }
        }
        long duplicates = perId.values().stream().filter(n -> n > 1).count();
        System.out.printf("checkpoint IT: first loop processed %d, checkpoint %d covered %d, duplicates %d (bound %d)%n",
                firstPredicted, last.sequence(), covered, duplicates, BOUND);
        assertThat(perId).as("every sample predicted, so trained on").hasSize(SAMPLES);
        assertThat(perId.values()).allMatch(n -> n <= 2);
        assertThat(duplicates).as("exactly the records processed after the last checkpoint, again").isEqualTo(reprocessed);
        assertThat(atCheckpointVersion).as("the restored model predicted its first batch").isPositive();
        assertThat(predictions).hasSize((int) (SAMPLES + reprocessed));
        assertThat(second.status().trainedSamples()).isEqualTo(SAMPLES - covered);
        assertThat(second.lastCheckpoint().modelVersion()).isEqualTo(second.status().modelVersion());

        // The rollback brought the checkpointed parameters back under a new version whose parent is the chosen one.
        assertThat(rolledBack.modelVersion()).isEqualTo(versionBeforeRollback + 1);
        assertThat(rolledBack.parentVersion()).isEqualTo(last.modelVersion());
        assertThat(second.status().modelVersion()).isEqualTo(rolledBack.modelVersion());
        Checkpoint afterRollback = new CheckpointStore(dir, 10, Clock.systemUTC()).read(rolledBack.directory());
        assertThat(afterRollback.model().predict(probe).probabilities())
                .isDeepEqualTo(checkpoint.model().predict(probe).probabilities());

        // Every checkpoint that changed the model published a version; the parents chain across the restart.
        List<ModelVersion> versions = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readExactly(kafka, topics.models(), 2, Duration.ofSeconds(30))) {
            assertThat(r.key()).isEqualTo("default");
            versions.add(MnemoSerdes.modelVersion().decode(r.value()));
        }
        assertThat(versions.get(0).getParent()).isNull();
        ModelVersion rollback = versions.remove(versions.size() - 1);
        assertThat(rollback.getVersion()).isEqualTo(rolledBack.modelVersion());
        assertThat(rollback.getParent()).isEqualTo(last.modelVersion());
        for (int i = 1; i < versions.size(); i++) {
            assertThat(versions.get(i).getParent()).isEqualTo(versions.get(i - 1).getVersion());
            assertThat(versions.get(i).getVersion()).isGreaterThan(versions.get(i - 1).getVersion());
        }
        assertThat(versions).extracting(ModelVersion::getVersion).contains(last.modelVersion());
        ModelVersion newest = versions.get(versions.size() - 1);
        assertThat(newest.getStrategy()).isEqualTo("lwf+replay");
        assertThat(newest.getCheckpointUri()).startsWith("file:");
        assertThat(newest.getMetrics()).containsKeys("accuracy.prequential", "samples.trained");
    }

    private static List<Float> boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return List.of(out);
    }
}
