package dev.mnemo.learner.checkpoint;

import static dev.mnemo.learner.checkpoint.BufferAssertions.assertSameContents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.TrainingBatch;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualStrategy;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.Lwf;
import dev.mnemo.learner.strategy.Replay;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.strategy.StrategyState;
import dev.mnemo.replay.CompactReplayBuffer;

class CheckpointStoreTest {

    private static final MlpSpec SPEC = MlpSpec.defaults(16, 4).withHidden(List.of(12));
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final List<ConsumedOffset> OFFSETS = List.of(new ConsumedOffset("mnemo.samples.labelled", 0, 120),
            new ConsumedOffset("mnemo.samples.labelled", 1, 98), new ConsumedOffset("mnemo.samples.unlabelled", 0, 7));

    @TempDir
    Path root;

    /** A lwf+replay trainer that has passed one task boundary, so every part is non-trivial. */
    private static ContinualTrainer trainedLwfReplay(long seed, int stepsPerTask) {
        ContinualTrainer trainer = StrategySpec.parse("lwf+replay").withBuffer(50, "class-balanced").withReplaySize(8)
                .trainer(SPEC);
        SplittableRandom random = new SplittableRandom(seed);
        for (int task = 0; task < 2; task++) {
            if (task > 0) {
                trainer.taskBoundary();
            }
            for (int s = 0; s < stepsPerTask; s++) {
                trainer.step(batch(random, 16, 2 * task, task));
            }
        }
        return trainer;
    }

    private static Batch batch(SplittableRandom random, int n, int firstClass, int task) {
        float[][] x = new float[n][SPEC.inputs()];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = firstClass + random.nextInt(2);
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = (float) random.nextDouble() + (j % SPEC.classes() == y[i] ? 1f : 0f);
            }
        }
        return Batch.labelled(x, y, task);
    }

    private static float[][] probe() {
        return batch(new SplittableRandom(99), 32, 0, 0).features();
    }

    private static Map<String, Integer> tasks() {
        Map<String, Integer> tasks = new LinkedHashMap<>();
        tasks.put("digits 0-1", 0);
        tasks.put("digits=2/3 # odd:tag", 1);
        return tasks;
    }

    @Test
    void roundTripRestoresEveryPart() throws Exception {
        ContinualTrainer trainer = trainedLwfReplay(1, 6);
        CheckpointStore store = new CheckpointStore(root, 3, CLOCK);
        Map<String, String> watch = Map.of("position", "41", "detector.error", "AAEC", "novelty-threshold", "0.25");
        CheckpointInfo written = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS, watch));

        CheckpointStore.Recovery recovery = new CheckpointStore(root, 3, CLOCK).latestValid();
        assertThat(recovery.skipped()).isEmpty();
        Checkpoint back = recovery.checkpoint().orElseThrow();
        assertThat(back.info()).isEqualTo(written);
        assertThat(back.info().sequence()).isEqualTo(1);
        assertThat(back.info().createdAt()).isEqualTo(CLOCK.instant());
        assertThat(back.info().modelVersion()).isEqualTo(trainer.model().version()).isEqualTo(12);
        assertThat(back.offsets()).containsExactlyInAnyOrderElementsOf(OFFSETS);
        assertThat(back.content().state().taskIndex()).containsExactlyEntriesOf(tasks());
        assertThat(back.content().state().tasksEnded()).isEqualTo(1);
        assertThat(back.content().state().watch()).as("the drift watch's state").isEqualTo(watch);

        Lwf lwf = trainer.strategy(Lwf.class).orElseThrow();
        assertThat(back.content().strategies()).containsOnlyKeys("lwf", "replay");
        StrategyState lwfBack = back.content().strategy("lwf").orElseThrow();
        assertThat(lwfBack.version()).isEqualTo(1);
        assertThat(lwfBack.property("seen")).contains("0,1,2,3")
                .contains(trainer.states().get("lwf").property("seen").orElseThrow());
        assertThat(lwfBack.property("teacher")).contains("0,1");
        assertThat(back.model().logits(probe())).isDeepEqualTo(trainer.model().logits(probe()));
        assertThat(lwfBack.network("teacher").orElseThrow().logits(probe()))
                .isDeepEqualTo(lwf.teacher().orElseThrow().logits(probe()));
        CompactReplayBuffer original = (CompactReplayBuffer) trainer.strategy(Replay.class).orElseThrow().buffer();
        assertSameContents(back.content().strategy("replay").orElseThrow().buffer("buffer").orElseThrow(), original);

        ContinualTrainer fresh = StrategySpec.parse("lwf+replay").withBuffer(50, "class-balanced").withReplaySize(8)
                .trainer(SPEC);
        back.restoreInto(fresh);
        assertThat(fresh.model().version()).isEqualTo(12);
        assertThat(fresh.tasksEnded()).isEqualTo(1);
        assertThat(fresh.strategy(Lwf.class).orElseThrow().snapshot().teacherClasses()).containsExactly(0, 1);
        assertThat(fresh.strategy(Lwf.class).orElseThrow().snapshot().seenClasses()).containsExactly(0, 1, 2, 3);
        assertSameContents((CompactReplayBuffer) fresh.strategy(Replay.class).orElseThrow().buffer(), original);
        // The optimiser state came back too: one more identical step gives identical parameters.
        Batch next = batch(new SplittableRandom(5), 16, 2, 1);
        trainer.model().train(TrainingBatch.labelled(next.features(), next.labels()));
        fresh.model().train(TrainingBatch.labelled(next.features(), next.labels()));
        for (int layer = 0; layer < fresh.model().layerCount(); layer++) {
            assertThat(fresh.model().layerParameters(layer)).containsExactly(trainer.model().layerParameters(layer));
        }
    }

    @Test
    void fineTuningCheckpointHasNoTeacherAndNoBuffer() throws Exception {
        ContinualTrainer trainer = StrategySpec.parse("fine-tune").trainer(SPEC);
        trainer.step(batch(new SplittableRandom(3), 8, 0, 0));
        CheckpointStore store = new CheckpointStore(root, 3, CLOCK);
        store.write(CheckpointContent.capture(trainer, Map.of(), List.of()));
        Checkpoint back = store.latestValid().checkpoint().orElseThrow();
        assertThat(back.content().strategies()).as("no teacher, no buffer, no LwF state").isEmpty();
        assertThat(back.offsets()).isEmpty();
        assertThat(Files.exists(back.info().directory().resolve(CheckpointStore.STRATEGIES))).isFalse();

        ContinualTrainer lwf = StrategySpec.parse("lwf").trainer(SPEC);
        assertThatThrownBy(() -> back.restoreInto(lwf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("this trainer has [lwf]");
    }

    /**
     * The store writes whatever parts a strategy's state has, by kind, without knowing the
     * strategy: a strategy it has never heard of round-trips its properties, network and buffer.
     */
    @Test
    void anyStrategysStateRoundTripsByItsParts() throws Exception {
        ContinualTrainer source = trainedLwfReplay(4, 2);
        Classifier network = source.strategy(Lwf.class).orElseThrow().teacher().orElseThrow();
        CompactReplayBuffer memory = (CompactReplayBuffer) source.strategy(Replay.class).orElseThrow().buffer();
        Map<String, String> properties = Map.of("counter", "41", "note.text", "a=b # c\nd", "empty", "");
        StrategyState kept = StrategyState.of(3, properties).withNetwork("net", network).withBuffer("memory", memory);
        Keeper keeper = new Keeper(kept);
        ContinualTrainer trainer = new ContinualTrainer(Classifier.create(SPEC, dev.mnemo.learner.model.OutputHead.LOGITS),
                new dev.mnemo.learner.strategy.ClassIncremental(), List.of(keeper));

        CheckpointStore store = new CheckpointStore(root, 3, CLOCK);
        CheckpointInfo written = store.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
        assertThat(written.directory().resolve("strategy/keeper/net.zip")).isRegularFile();
        Checkpoint back = store.read(written.directory());
        StrategyState read = back.content().strategy("keeper").orElseThrow();
        assertThat(read.version()).isEqualTo(3);
        assertThat(read.properties()).isEqualTo(properties);
        assertThat(read.network("net").orElseThrow().logits(probe())).isDeepEqualTo(network.logits(probe()));
        assertSameContents(read.buffer("memory").orElseThrow(), memory);

        Keeper restored = new Keeper(StrategyState.none());
        ContinualTrainer fresh = new ContinualTrainer(Classifier.create(SPEC, dev.mnemo.learner.model.OutputHead.LOGITS),
                new dev.mnemo.learner.strategy.ClassIncremental(), List.of(restored));
        back.restoreInto(fresh);
        assertThat(restored.state()).isSameAs(read);
    }

    /**
     * A checkpoint of format 1, written by the store before strategies owned their state (LwF's
     * teacher as teacher.zip and lwf.* properties, the buffer under replay/): it still restores.
     */
    @Test
    void formatOneCheckpointsStillRestore() throws Exception {
        Path legacy = Path.of("src/test/resources/checkpoint/format-1/ckpt-0000000000000000001");
        Path dir = root.resolve(legacy.getFileName());
        try (Stream<Path> files = Files.walk(legacy)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(legacy.relativize(f).toString()));
            }
        }
        Checkpoint back = new CheckpointStore(root, 3, CLOCK).latestValid().checkpoint().orElseThrow();
        assertThat(back.info().modelVersion()).isEqualTo(6);
        assertThat(back.content().state().tasksEnded()).isEqualTo(1);
        assertThat(back.content().state().taskIndex()).containsExactly(Map.entry("t0", 0), Map.entry("t1", 1));
        assertThat(back.content().state().watch()).containsExactly(Map.entry("position", "48"));
        assertThat(back.offsets()).containsExactly(new ConsumedOffset("mnemo.samples.labelled", 0, 48));
        assertThat(back.content().strategies()).containsOnlyKeys("lwf", "replay");
        Classifier teacher = Classifier.load(dir.resolve("teacher.zip"));
        assertThat(back.content().strategy("lwf").orElseThrow().network("teacher").orElseThrow().logits(probe()))
                .isDeepEqualTo(teacher.logits(probe()));

        ContinualTrainer fresh = StrategySpec.parse("lwf+replay").withBuffer(20, "class-balanced").withReplaySize(4)
                .trainer(SPEC);
        back.restoreInto(fresh);
        assertThat(fresh.model().version()).isEqualTo(6);
        assertThat(fresh.tasksEnded()).isEqualTo(1);
        Lwf lwf = fresh.strategy(Lwf.class).orElseThrow();
        assertThat(lwf.snapshot().seenClasses()).containsExactly(0, 1, 2, 3);
        assertThat(lwf.snapshot().teacherClasses()).containsExactly(0, 1);
        assertThat(lwf.snapshot().warmupLeft()).isZero();
        assertThat(fresh.strategy(Replay.class).orElseThrow().buffer().size()).isEqualTo(20);
        assertThat(((CompactReplayBuffer) fresh.strategy(Replay.class).orElseThrow().buffer()).seen()).isEqualTo(48);
        fresh.step(batch(new SplittableRandom(8), 8, 2, 1));
        assertThat(fresh.model().version()).as("it trains on").isEqualTo(7);

        ContinualTrainer lwfOnly = StrategySpec.parse("lwf").trainer(SPEC);
        assertThatThrownBy(() -> back.restoreInto(lwfOnly)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("this trainer has [lwf]");
    }

    /** A strategy of the tests only: keeps whatever state it was given. */
    private static final class Keeper implements ContinualStrategy {
        private StrategyState state;

        Keeper(StrategyState state) {
            this.state = state;
        }

        @Override
        public String id() {
            return "keeper";
        }

        @Override
        public StrategyState state() {
            return state;
        }

        @Override
        public void restore(StrategyState restored) {
            this.state = restored;
        }
    }

    @Test
    void truncatedNewestFallsBackToThePrevious() throws Exception {
        ContinualTrainer trainer = trainedLwfReplay(2, 3);
        CheckpointStore store = new CheckpointStore(root, 3, CLOCK);
        CheckpointInfo first = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS));
        trainer.step(batch(new SplittableRandom(4), 16, 2, 1));
        CheckpointInfo second = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS));
        assertThat(second.parentVersion()).isEqualTo(first.modelVersion());
        Path model = second.directory().resolve(CheckpointStore.MODEL);
        try (var channel = Files.newByteChannel(model, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(model) / 2);
        }

        CheckpointStore.Recovery recovery = store.latestValid();
        assertThat(recovery.checkpoint().orElseThrow().info()).isEqualTo(first);
        assertThat(recovery.skipped()).singleElement().satisfies(s -> {
            assertThat(s.directory()).isEqualTo(second.directory());
            assertThat(s.reason()).contains("truncated").contains("model.zip");
        });
    }

    @Test
    void bitFlipsAndMissingManifestsFallBackWithReasons() throws Exception {
        ContinualTrainer trainer = trainedLwfReplay(3, 3);
        CheckpointStore store = new CheckpointStore(root, 5, CLOCK);
        CheckpointInfo first = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS));
        CheckpointInfo flippedBuffer = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS));
        CheckpointInfo flippedOffsets = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS));
        CheckpointInfo noManifest = store.write(CheckpointContent.capture(trainer, tasks(), OFFSETS));
        try (Stream<Path> files = Files.walk(flippedBuffer.directory().resolve(CheckpointStore.STRATEGIES))) {
            flip(files.filter(f -> f.getFileName().toString().equals("data.bin")).findFirst().orElseThrow(), 100);
        }
        flip(flippedOffsets.directory().resolve(CheckpointStore.OFFSETS), 40);
        Files.delete(noManifest.directory().resolve(CheckpointStore.MANIFEST));

        CheckpointStore.Recovery recovery = store.latestValid();
        assertThat(recovery.checkpoint().orElseThrow().info()).isEqualTo(first);
        assertThat(recovery.skipped()).extracting(CheckpointStore.Skipped::directory)
                .containsExactly(noManifest.directory(), flippedOffsets.directory(), flippedBuffer.directory());
        assertThat(recovery.skipped().get(0).reason()).contains("manifest.properties is missing");
        assertThat(recovery.skipped().get(1).reason()).contains("checksum mismatch").contains("offsets.properties");
        assertThat(recovery.skipped().get(2).reason()).contains("checksum mismatch").contains("data.bin");
        assertThat(store.list()).extracting(CheckpointInfo::sequence).containsExactly(3L, 2L, 1L);
    }

    @Test
    void keepsTheNewestKAndCleansInterruptedWrites() throws Exception {
        ContinualTrainer trainer = StrategySpec.parse("replay").withBuffer(20, "reservoir").trainer(SPEC);
        CheckpointStore store = new CheckpointStore(root, 2, CLOCK);
        Files.createDirectories(root.resolve(".tmp-ckpt-123"));
        for (int i = 0; i < 4; i++) {
            trainer.step(batch(new SplittableRandom(i), 8, 0, 0));
            store.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
        }
        try (Stream<Path> children = Files.list(root)) {
            assertThat(children.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("ckpt-0000000000000000003", "ckpt-0000000000000000004");
        }
        assertThat(store.list()).extracting(CheckpointInfo::modelVersion).containsExactly(4L, 3L);
        assertThat(store.latestValid().checkpoint().orElseThrow().info().sequence()).isEqualTo(4);
    }

    @Test
    void pinnedVersionsSurviveKeepAndUnpinnedOnesFollowIt() throws Exception {
        ContinualTrainer trainer = StrategySpec.parse("replay").withBuffer(20, "reservoir").trainer(SPEC);
        CheckpointStore store = new CheckpointStore(root, 2, CLOCK);
        trainer.step(batch(new SplittableRandom(0), 8, 0, 0));
        CheckpointInfo first = store.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
        assertThat(store.pin(1)).isEqualTo(first);
        assertThat(store.pin(1)).as("pinning twice changes nothing").isEqualTo(first);
        for (int i = 1; i < 5; i++) {
            trainer.step(batch(new SplittableRandom(i), 8, 0, 0));
            store.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
        }
        assertThat(store.list()).extracting(CheckpointInfo::modelVersion).containsExactly(5L, 4L, 1L);
        assertThat(store.pinned()).containsExactly(first);
        assertThat(store.isPinned(store.list().get(0))).isFalse();
        assertThat(store.read(first.directory()).model().version()).as("the pinned one still verifies").isEqualTo(1);

        CheckpointStore restarted = new CheckpointStore(root, 2, CLOCK);
        assertThat(restarted.pinned()).as("pins are kept on disk").containsExactly(first);
        trainer.step(batch(new SplittableRandom(5), 8, 0, 0));
        restarted.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
        assertThat(restarted.list()).extracting(CheckpointInfo::modelVersion).containsExactly(6L, 5L, 1L);

        assertThat(restarted.unpin(1)).isTrue();
        assertThat(restarted.unpin(1)).as("unpinning twice").isFalse();
        assertThat(restarted.pinned()).isEmpty();
        trainer.step(batch(new SplittableRandom(6), 8, 0, 0));
        restarted.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
        assertThat(restarted.list()).as("an unpinned version follows keep").extracting(CheckpointInfo::modelVersion)
                .containsExactly(7L, 6L);
        assertThatThrownBy(() -> restarted.pin(1)).isInstanceOf(java.util.NoSuchElementException.class)
                .hasMessage("no kept checkpoint holds model version 1; kept: [7, 6]");
        assertThatThrownBy(() -> restarted.unpin(1)).isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void anEmptyOrAbsentRootHasNoCheckpoint() {
        CheckpointStore store = new CheckpointStore(root.resolve("absent"), 1, CLOCK);
        assertThat(store.latestValid().checkpoint()).isEmpty();
        assertThat(store.latestValid().skipped()).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> new CheckpointStore(root, 0, CLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 1");
    }

    /** The figure the README quotes: the default network and a full float32 buffer of 1000 MNIST-sized rows. */
    @Test
    void defaultModelWithAThousandSampleBufferWritesAndRestores() throws Exception {
        MlpSpec spec = MlpSpec.defaults(784, 10);
        ContinualTrainer trainer = StrategySpec.parse("lwf+replay").trainer(spec);
        SplittableRandom random = new SplittableRandom(11);
        float[][] x = new float[100][784];
        int[] y = new int[100];
        for (int step = 0; step < 12; step++) {
            for (int i = 0; i < x.length; i++) {
                y[i] = random.nextInt(10);
                for (int j = 0; j < 784; j++) {
                    x[i][j] = (float) random.nextDouble();
                }
            }
            trainer.step(Batch.labelled(x, y, 0));
            if (step == 5) {
                trainer.taskBoundary();
            }
        }
        assertThat(trainer.strategy(Replay.class).orElseThrow().buffer().size()).isEqualTo(1000);
        CheckpointStore store = new CheckpointStore(root, 3, Clock.systemUTC());
        long[] writeMs = new long[3];
        long[] readMs = new long[3];
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            store.write(CheckpointContent.capture(trainer, Map.of(), OFFSETS));
            long t1 = System.nanoTime();
            Checkpoint back = store.latestValid().checkpoint().orElseThrow();
            long t2 = System.nanoTime();
            writeMs[i] = (t1 - t0) / 1_000_000;
            readMs[i] = (t2 - t1) / 1_000_000;
            assertThat(back.model().version()).isEqualTo(12);
        }
        long bytes;
        try (Stream<Path> files = Files.walk(store.latestValid().checkpoint().orElseThrow().info().directory())) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("checkpoint of 784-256-128-10 + teacher + 1000 x 784 float32 buffer: %d bytes, write %s ms,"
                + " verify+restore %s ms%n", bytes, java.util.Arrays.toString(writeMs), java.util.Arrays.toString(readMs));
    }

    private static void flip(Path file, int at) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[Math.min(at, bytes.length - 1)] ^= 0x10;
        Files.write(file, bytes);
    }
}
