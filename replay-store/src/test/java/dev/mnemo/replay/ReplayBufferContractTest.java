package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link ReplayBuffer} contract, and the {@link CompactReplayBuffer} operations, for every policy. */
class ReplayBufferContractTest {

    static Stream<Arguments> policies() {
        return Stream.of(
                Arguments.of("reservoir", (IntFunction<CompactReplayBuffer>) c -> new ReservoirBuffer(SampleFormat.float32(2), c, 5L)),
                Arguments.of("class-balanced", (IntFunction<CompactReplayBuffer>) c -> new ClassBalancedBuffer(SampleFormat.float32(2), c, 5L)),
                Arguments.of("task-quota", (IntFunction<CompactReplayBuffer>) c -> new TaskQuotaBuffer(SampleFormat.float32(2), c, 5L)));
    }

    /** Sample i carries its id in feature 0 and its label in feature 1. */
    private static void offer(CompactReplayBuffer buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            buffer.add(new float[] {i, i % 4}, i % 4, i / 50);
        }
    }

    private static java.util.List<Integer> ids(ReplayBatch batch) {
        return Stream.of(batch.features()).map(r -> (int) r[0]).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void keepsEverythingUntilFullAndNeverExceedsTheCapacity(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(20);
        assertThat(buffer.capacity()).isEqualTo(20);
        for (int i = 0; i < 20; i++) {
            assertThat(buffer.add(new float[] {i, i % 4}, i % 4, 0)).isTrue();
            assertThat(buffer.size()).isEqualTo(i + 1);
        }
        offer(buffer, 20, 500);
        assertThat(buffer.size()).isEqualTo(20);
        assertThat(buffer.seen()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void storedRowsAreOfferedRowsWithTheirLabels(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(30);
        offer(buffer, 0, 400);
        ReplayBatch all = buffer.contents();
        Set<Integer> ids = new HashSet<>();
        for (int r = 0; r < all.size(); r++) {
            int id = (int) all.features()[r][0];
            assertThat(id).isBetween(0, 399);
            assertThat(all.labels()[r]).isEqualTo(id % 4).isEqualTo((int) all.features()[r][1]);
            assertThat(all.tasks()[r]).isEqualTo(id / 50);
            assertThat(ids.add(id)).as("duplicate id %d", id).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void samplesDistinctRowsReproducibly(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(50);
        offer(buffer, 0, 300);
        ReplayBatch a = buffer.sample(16, new SplittableRandom(3));
        ReplayBatch b = buffer.sample(16, new SplittableRandom(3));
        assertThat(a.size()).isEqualTo(16);
        assertThat(a.features()).isDeepEqualTo(b.features());
        assertThat(a.labels()).containsExactly(b.labels());
        assertThat(Stream.of(a.features()).map(r -> r[0]).distinct().count()).isEqualTo(16);
        assertThat(ids(buffer.sample(40, new SplittableRandom(4)))).hasSize(40).doesNotHaveDuplicates();
        assertThat(buffer.sample(500, new SplittableRandom(3)).size()).isEqualTo(50);
        assertThat(buffer.sample(0, new SplittableRandom(3)).size()).isZero();
        assertThat(factory.apply(5).sample(8, new SplittableRandom(3)).size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void samplingIsUniformOverStoredRows(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(40);
        offer(buffer, 0, 40);
        int[] hits = new int[40];
        SplittableRandom rng = new SplittableRandom(9);
        for (int t = 0; t < 10_000; t++) {
            for (float[] row : buffer.sample(4, rng).features()) {
                hits[(int) row[0]]++;
            }
        }
        // 1000 expected per row, sd ~ 30.8
        assertThat(java.util.stream.IntStream.of(hits).boxed().toList()).allSatisfy(h -> assertThat(h).isBetween(1000 - 160, 1000 + 160));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void rejectsBadArguments(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(4);
        assertThatThrownBy(() -> buffer.add(new float[] {1}, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 2");
        assertThatThrownBy(() -> buffer.add(new float[] {1, 2}, -1, 0)).hasMessageContaining("label must be at least 0");
        assertThatThrownBy(() -> buffer.add(new float[] {1, 2}, 0, -1)).hasMessageContaining("task must be at least 0");
        assertThatThrownBy(() -> buffer.sample(-1, new SplittableRandom(1))).hasMessageContaining("at least 0");
        assertThatThrownBy(() -> buffer.sample(1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> buffer.resize(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> factory.apply(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(buffer.seen()).as("rejected samples are not counted").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void resizeKeepsWhatFitsAndTheBufferKeepsWorking(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(40);
        offer(buffer, 0, 400);
        buffer.resize(60);
        assertThat(buffer.capacity()).isEqualTo(60);
        assertThat(buffer.size()).isEqualTo(40);
        offer(buffer, 400, 420);
        assertThat(buffer.size()).isEqualTo(60);
        buffer.resize(10);
        assertThat(buffer.size()).isEqualTo(10);
        assertThat(buffer.capacity()).isEqualTo(10);
        offer(buffer, 420, 800);
        assertThat(buffer.size()).isEqualTo(10);
        assertThat(ids(buffer.contents())).doesNotHaveDuplicates();
        assertThat(buffer.stats().size()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void statsCountWhatIsStored(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer buffer = factory.apply(25);
        offer(buffer, 0, 300);
        ReplayStats stats = buffer.stats();
        ReplayBatch all = buffer.contents();
        assertThat(stats.size()).isEqualTo(25);
        assertThat(stats.capacity()).isEqualTo(25);
        assertThat(stats.seen()).isEqualTo(300);
        assertThat(stats.countPerClass().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
        assertThat(stats.countPerTask().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
        for (int c = 0; c < 4; c++) {
            final int label = c;
            long count = java.util.Arrays.stream(all.labels()).filter(l -> l == label).count();
            assertThat(stats.countPerClass().getOrDefault(c, 0)).isEqualTo((int) count);
        }
        assertThat(stats.bytesUsed()).isGreaterThanOrEqualTo(25L * 8);
        assertThatThrownBy(() -> stats.countPerClass().put(9, 9)).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void sameSeedSameStreamSameBuffer(String name, IntFunction<CompactReplayBuffer> factory) {
        CompactReplayBuffer a = factory.apply(30);
        CompactReplayBuffer b = factory.apply(30);
        offer(a, 0, 1000);
        offer(b, 0, 1000);
        assertThat(a.contents().features()).isDeepEqualTo(b.contents().features());
    }
}
