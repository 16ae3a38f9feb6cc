package dev.mnemo.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C (SIGINT) stops {@code ./mnemo up} cleanly and keeps its data: started again on the same
 * data directory, it has the same topics, the same committed offsets, the learner's model (the
 * same or a later version, from a restored checkpoint that holds the replay buffer), and it goes
 * on from where it stopped instead of predicting everything again from offset 0.
 */
class UpRestartIT {

    private static final Topics TOPICS = Topics.defaults();
    private static final SyntheticSamples SAMPLES = new SyntheticSamples(11L);
    private static final String LEARNER_GROUP = "mnemo-learner";
    private static final String INGEST_GROUP = "mnemo-ingest";
    private static final int BEFORE = 1_500;
    private static final int AFTER = 500;
    private static final Map<String, String> LEARNER = Map.of(
            "MNEMO_STRATEGY_NAME", "replay",
            "MNEMO_CHECKPOINT_INTERVAL", "2s");

    @Test
    void interruptedUpResumesTopicsOffsetsAndModelOnItsDataDirectory() throws Exception {
        Path runs = Path.of("target", "up-runs", "UpRestartIT").toAbsolutePath();
        RunDirs.deleteRecursively(runs);
        Path data = runs.resolve("data");
        MnemoUp.Ports ports = MnemoUp.Ports.free();

        Set<String> topics;
        Map<TopicPartition, OffsetAndMetadata> ingestOffsets;
        long version;
        long predictedBefore;
        try (MnemoUp first = MnemoUp.start(data, runs.resolve("home"), ports, LEARNER, Duration.ofMinutes(3));
             PredictionLog predictions = PredictionLog.start(ports.bootstrap(), TOPICS.predictions());
             Admin admin = admin(ports)) {
            SampleStream.send(ports.bootstrap(), TOPICS.samplesRaw(), SAMPLES, "before-", BEFORE, 2_000)
                    .get(2, TimeUnit.MINUTES);
            Poll.until(Duration.ofSeconds(120), "a prediction for every sample", first::diagnostics,
                    () -> predictions.predicted("before-", BEFORE) == BEFORE);
            // Quiet: ingest has committed everything it read (the learner commits with its checkpoints).
            Poll.until(Duration.ofSeconds(60), "ingest's offsets committed to the end of its input",
                    first::diagnostics, () -> committedToEnd(admin, INGEST_GROUP, TOPICS.samplesRaw()));
            topics = admin.listTopics().names().get();
            ingestOffsets = admin.listConsumerGroupOffsets(INGEST_GROUP).partitionsToOffsetAndMetadata().get();
            version = first.status().orElseThrow().path("modelVersion").asLong();
            predictedBefore = predictions.total();
            List<Long> children = List.of(first.pid("kafka"), first.pid("ingest"), first.pid("learner"));
            assertThat(topics).containsAll(TOPICS.all());
            assertThat(version).isPositive();

            first.interrupt();
            assertThat(first.awaitExit(Duration.ofSeconds(120))).as("exit status after SIGINT").isEqualTo(130);
            assertThat(children).allSatisfy(pid ->
                    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse());
            assertThat(first.output()).contains("stopped learner\n  stopped ingest\n  stopped kafka",
                    "./mnemo up --data-dir " + data + " resumes from here");
        }
        Checkpoints.Checkpoint durable = Checkpoints.newest(data.resolve("checkpoints")).orElseThrow();
        assertThat(durable.modelVersion()).isGreaterThanOrEqualTo(version);
        assertThat(durable.dir().resolve("strategy/replay/buffer")).as("the replay buffer in the checkpoint")
                .isDirectoryContaining(p -> p.getFileName().toString().startsWith("snapshot-"));

        try (MnemoUp second = MnemoUp.start(data, runs.resolve("home"), ports, LEARNER, Duration.ofMinutes(3));
             PredictionLog predictions = PredictionLog.start(ports.bootstrap(), TOPICS.predictions());
             Admin admin = admin(ports)) {
            assertThat(second.output()).contains("Resuming from " + data);
            AtomicReference<JsonNode> status = new AtomicReference<>();
            Poll.until(Duration.ofSeconds(60), "the learner reporting its restored checkpoint", second::diagnostics,
                    () -> second.status().filter(s -> s.path("lastCheckpoint").isObject()).map(s -> {
                        status.set(s);
                        return true;
                    }).orElse(false));
            assertThat(status.get().path("lastCheckpoint").path("sequence").asLong()).isEqualTo(durable.sequence());
            assertThat(status.get().path("modelVersion").asLong()).isEqualTo(durable.modelVersion());
            assertThat(admin.listTopics().names().get()).isEqualTo(topics);
            // The learner commits exactly the offsets of its checkpoints: the last one, written at the stop.
            assertThat(positive(committed(admin, LEARNER_GROUP))).isEqualTo(positive(Checkpoints.offsets(durable)))
                    .isNotEmpty();
            assertThat(admin.listConsumerGroupOffsets(INGEST_GROUP).partitionsToOffsetAndMetadata().get())
                    .isEqualTo(ingestOffsets);

            SampleStream.send(ports.bootstrap(), TOPICS.samplesRaw(), SAMPLES, "after-", AFTER, 2_000)
                    .get(2, TimeUnit.MINUTES);
            Poll.until(Duration.ofSeconds(120), "a prediction for every new sample", second::diagnostics,
                    () -> predictions.predicted("after-", AFTER) == AFTER);
            Poll.until(Duration.ofSeconds(30), "the earlier predictions read again", second::diagnostics,
                    () -> predictions.total() >= predictedBefore + AFTER);
            // A clean stop checkpoints first: nothing from before the stop is predicted again.
            assertThat(predictions.total()).isEqualTo(predictedBefore + AFTER);
            assertThat(predictions.repeats("before-", BEFORE)).isZero();
            assertThat(second.status().orElseThrow().path("modelVersion").asLong()).isGreaterThan(durable.modelVersion());
        }
    }

    private static Admin admin(MnemoUp.Ports ports) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ports.bootstrap()));
    }

    /** The group's committed offsets, as {@code "topic/partition"} to offset. */
    private static Map<String, Long> committed(Admin admin, String group) throws Exception {
        Map<String, Long> offsets = new TreeMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, o) -> offsets.put(tp.topic() + "/" + tp.partition(), o.offset()));
        return offsets;
    }

    private static Map<String, Long> positive(Map<String, Long> offsets) {
        Map<String, Long> positive = new TreeMap<>(offsets);
        positive.values().removeIf(o -> o <= 0);
        return positive;
    }

    /** Whether the group's committed offsets reach the end of every partition of {@code topic}. */
    private static boolean committedToEnd(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
    }
}
