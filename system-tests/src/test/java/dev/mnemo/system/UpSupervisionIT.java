package dev.mnemo.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnemo.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mnemo up} supervises its processes as an orchestrator would: a learner or ingest process
 * killed with SIGKILL in the middle of a stream is started again, resumes from its durable state,
 * and loses no sample, while the broker keeps running.
 *
 * <p>One {@code up} serves both tests (each streams samples under its own id prefix). The learner
 * replays (so a checkpoint holds a buffer) and checkpoints every 5 polls of at most 100 records or
 * every 2 s, so a crash repeats at most two intervals, 1,000 records: the one the last durable
 * checkpoint closed and the one being written (learner/README.md, "Checkpoints").
 */
class UpSupervisionIT {

    private static final Topics TOPICS = Topics.defaults();
    private static final SyntheticSamples SAMPLES = new SyntheticSamples(7L);
    /** 20 s of stream at 200 samples/s: a crash lands while samples still arrive. */
    private static final int SAMPLES_PER_TEST = 4_000;
    private static final int PER_SECOND = 200;
    private static final int CHECKPOINT_EVERY_BATCHES = 5;
    private static final int MAX_POLL_RECORDS = 100;
    private static final int REPEAT_BOUND = 2 * CHECKPOINT_EVERY_BATCHES * MAX_POLL_RECORDS;

    private static MnemoUp up;
    private static PredictionLog predictions;

    @BeforeAll
    static void startUp() throws IOException {
        Path runs = Path.of("target", "up-runs", "UpSupervisionIT").toAbsolutePath();
        RunDirs.deleteRecursively(runs);
        up = MnemoUp.start(runs.resolve("data"), runs.resolve("home"), MnemoUp.Ports.free(), Map.of(
                "MNEMO_STRATEGY_NAME", "replay",
                "MNEMO_CHECKPOINT_EVERY_BATCHES", String.valueOf(CHECKPOINT_EVERY_BATCHES),
                "MNEMO_CHECKPOINT_INTERVAL", "2s",
                "MNEMO_LEARNER_MAX_POLL_RECORDS", String.valueOf(MAX_POLL_RECORDS)), Duration.ofMinutes(3));
        predictions = PredictionLog.start(up.ports().bootstrap(), TOPICS.predictions());
    }

    @AfterAll
    static void stopUp() throws InterruptedException {
        if (predictions != null) {
            predictions.close();
        }
        if (up != null) {
            up.close();
        }
    }

    @Test
    void aKilledLearnerIsRestartedFromItsCheckpointAndLosesNoSample() throws Exception {
        String prefix = "learner-kill-";
        long broker = up.pid("kafka");
        long ingest = up.pid("ingest");
        long learner = up.pid("learner");
        BrokerWatch watch = BrokerWatch.start(up.ports().broker(), broker);
        CompletableFuture<Void> sent = SampleStream.send(up.ports().bootstrap(), TOPICS.samplesRaw(), SAMPLES, prefix,
                SAMPLES_PER_TEST, PER_SECOND);

        // In the middle of the stream, with a checkpoint that covers part of it.
        Poll.until(Duration.ofSeconds(90), "a quarter of the samples predicted and a checkpoint with a trained model",
                up::diagnostics, () -> predictions.predicted(prefix, SAMPLES_PER_TEST) >= SAMPLES_PER_TEST / 4
                        && up.status().map(s -> s.path("lastCheckpoint").path("modelVersion").asLong() > 0).orElse(false));
        assertThat(predictions.predicted(prefix, SAMPLES_PER_TEST)).as("predicted when the learner is killed")
                .isLessThan(SAMPLES_PER_TEST);
        ProcessHandle killed = ProcessHandle.of(learner).orElseThrow();
        assertThat(killed.destroyForcibly()).isTrue();
        killed.onExit().get(30, TimeUnit.SECONDS);
        Checkpoints.Checkpoint durable = Checkpoints.newest(up.dataDir().resolve("checkpoints")).orElseThrow();

        // Restarted with a new pid; its first checkpoint on /status is the one restored, before new ones.
        AtomicReference<JsonNode> restored = new AtomicReference<>();
        Poll.until(Duration.ofSeconds(90), "a restarted learner reporting its restored checkpoint", up::diagnostics, () -> {
            Optional<JsonNode> status = up.status();
            if (status.isPresent() && !status.get().path("lastCheckpoint").isNull()
                    && !status.get().path("lastCheckpoint").isMissingNode()) {
                restored.set(status.get());
                return true;
            }
            return false;
        });
        long restarted = up.pid("learner");
        assertThat(restarted).isNotEqualTo(learner);
        assertThat(restored.get().path("lastCheckpoint").path("sequence").asLong()).isEqualTo(durable.sequence());
        assertThat(restored.get().path("lastCheckpoint").path("modelVersion").asLong()).isEqualTo(durable.modelVersion());
        assertThat(restored.get().path("modelVersion").asLong()).isGreaterThanOrEqualTo(durable.modelVersion());
        assertThat(up.output()).containsPattern("learner exited \\(status 137, SIGKILL\\) after \\d+s; restarting it in 1s");

        sent.get(2, TimeUnit.MINUTES);
        Poll.until(Duration.ofSeconds(120), "a prediction for every sample", up::diagnostics,
                () -> predictions.predicted(prefix, SAMPLES_PER_TEST) == SAMPLES_PER_TEST);
        assertThat(predictions.repeats(prefix, SAMPLES_PER_TEST)).as("predictions repeated after the crash")
                .isBetween(0, REPEAT_BOUND);
        assertThat(up.status().orElseThrow().path("modelVersion").asLong()).isGreaterThan(durable.modelVersion());

        BrokerWatch.Result broker1 = watch.stop();
        assertThat(broker1.failures()).as("the broker while the learner died and came back").isEmpty();
        assertThat(broker1.checks()).isPositive();
        assertThat(up.pid("kafka")).isEqualTo(broker);
        assertThat(up.pid("ingest")).isEqualTo(ingest);
        assertThat(up.pid("learner")).isEqualTo(restarted);
    }

    @Test
    void aKilledIngestIsRestartedAndLosesNoSample() throws Exception {
        String prefix = "ingest-kill-";
        long broker = up.pid("kafka");
        long ingest = up.pid("ingest");
        long learner = up.pid("learner");
        BrokerWatch watch = BrokerWatch.start(up.ports().broker(), broker);
        int before = predictions.repeats(prefix, SAMPLES_PER_TEST);
        CompletableFuture<Void> sent = SampleStream.send(up.ports().bootstrap(), TOPICS.samplesRaw(), SAMPLES, prefix,
                SAMPLES_PER_TEST, PER_SECOND);

        Poll.until(Duration.ofSeconds(90), "a quarter of the samples predicted", up::diagnostics,
                () -> predictions.predicted(prefix, SAMPLES_PER_TEST) >= SAMPLES_PER_TEST / 4);
        assertThat(predictions.predicted(prefix, SAMPLES_PER_TEST)).as("predicted when ingest is killed")
                .isLessThan(SAMPLES_PER_TEST);
        ProcessHandle killed = ProcessHandle.of(ingest).orElseThrow();
        assertThat(killed.destroyForcibly()).isTrue();
        killed.onExit().get(30, TimeUnit.SECONDS);

        Poll.until(Duration.ofSeconds(60), "a new ingest process", up::diagnostics,
                () -> up.currentPid("ingest").stream().anyMatch(pid -> pid != ingest
                        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        sent.get(2, TimeUnit.MINUTES);
        // A killed Streams member keeps its partitions until its session expires (45 s) before the new one takes over.
        Poll.until(Duration.ofSeconds(150), "a prediction for every sample", up::diagnostics,
                () -> predictions.predicted(prefix, SAMPLES_PER_TEST) == SAMPLES_PER_TEST);

        // Ingest is exactly once and the learner reads committed records only: nothing twice.
        assertThat(predictions.repeats(prefix, SAMPLES_PER_TEST) - before).isZero();
        assertThat(up.output()).containsPattern("ingest exited \\(status 137, SIGKILL\\) after \\d+s; restarting it in 1s");
        BrokerWatch.Result result = watch.stop();
        assertThat(result.failures()).as("the broker while ingest died and came back").isEmpty();
        assertThat(result.checks()).isPositive();
        assertThat(up.pid("kafka")).isEqualTo(broker);
        assertThat(up.pid("learner")).as("the learner is not restarted for ingest").isEqualTo(learner);
    }
}
