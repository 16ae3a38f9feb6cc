package dev.mnemo.learner.bench.cl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ClassIncremental;
import dev.mnemo.learner.strategy.DomainIncremental;
import dev.mnemo.learner.strategy.TaskIncremental;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Task construction, labels and masks of the benchmark scenarios, on a small synthetic data set. */
class ClTasksTest {

    /** 10 samples per class, 4 features; feature 0 holds the sample index, so permutations are visible. */
    private static ClSourceData data() {
        int n = 100;
        float[][] x = new float[n][4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = new float[] {i / 100f, 0.1f, 0.2f, 0.3f};
            y[i] = i % 10;
        }
        return new ClSourceData("synthetic", x, y, x, y);
    }

    @Test
    void splitTasksHoldTwoDigitsLabelledPerScenario() {
        ClBenchmark split = ClBenchmark.parse("split-mnist");
        ClTasks classIl = new ClTasks(split, ClScenario.CLASS_IL, data(), 0, 1L);
        ClTasks domainIl = new ClTasks(split, ClScenario.DOMAIN_IL, data(), 0, 1L);
        ClTasks taskIl = new ClTasks(split, ClScenario.TASK_IL, data(), 0, 1L);
        assertThat(classIl.count()).isEqualTo(5);
        assertThat(classIl.classes()).isEqualTo(10);
        assertThat(domainIl.classes()).isEqualTo(2);
        assertThat(classIl.scenario()).isInstanceOf(ClassIncremental.class);
        assertThat(taskIl.scenario()).isInstanceOf(TaskIncremental.class);
        assertThat(((TaskIncremental) taskIl.scenario()).classesOf(3)).containsExactly(6, 7);
        assertThat(classIl.trainSize(3)).isEqualTo(20);

        Batch b = classIl.next(3, 50, new SplittableRandom(1));
        assertThat(b.labels()).containsOnly(6, 7);
        assertThat(b.tasks()).containsOnly(3);
        assertThat(domainIl.next(3, 50, new SplittableRandom(1)).labels()).containsOnly(0, 1);
        assertThat(domainIl.test(4, 0, domainIl.testSize(4)).labels()).containsOnly(0, 1);
    }

    @Test
    void batchesWalkThroughEveryTaskSampleBeforeRepeating() {
        ClTasks tasks = new ClTasks(ClBenchmark.parse("split-mnist"), ClScenario.CLASS_IL, data(), 0, 1L);
        Set<Float> seen = new HashSet<>();
        Batch b = tasks.next(0, 20, new SplittableRandom(5));
        for (float[] row : b.features()) {
            seen.add(row[0]);
        }
        assertThat(seen).hasSize(20);
    }

    @Test
    void permutedTasksPermuteEverySampleAndOffsetLabels() {
        ClBenchmark perm = ClBenchmark.parse("perm-mnist");
        ClTasks classIl = new ClTasks(perm, ClScenario.CLASS_IL, data(), 0, 9L);
        ClTasks domainIl = new ClTasks(perm, ClScenario.DOMAIN_IL, data(), 0, 9L);
        ClTasks taskIl = new ClTasks(perm, ClScenario.TASK_IL, data(), 30, 9L);
        assertThat(classIl.count()).isEqualTo(10);
        assertThat(classIl.classes()).isEqualTo(100);
        assertThat(domainIl.classes()).isEqualTo(10);
        assertThat(domainIl.scenario()).isInstanceOf(DomainIncremental.class);
        assertThat(classIl.trainSize(7)).isEqualTo(100);
        assertThat(taskIl.testSize(7)).isEqualTo(30);
        assertThat(((TaskIncremental) taskIl.scenario()).classesOf(2)).containsExactly(20, 21, 22, 23, 24, 25, 26, 27,
                28, 29);

        Batch t0 = classIl.test(0, 0, 10);
        Batch t4 = classIl.test(4, 0, 10);
        int[] p = new DomainIncremental(4, 9L).permutation(4);
        for (int i = 0; i < 10; i++) {
            assertThat(t4.labels()[i]).isEqualTo(t0.labels()[i] + 40);
            assertThat(t0.features()[i]).containsExactly(data().testFeatures()[i]);
            for (int j = 0; j < 4; j++) {
                assertThat(t4.features()[i][j]).isEqualTo(t0.features()[i][p[j]]);
            }
        }
        assertThat(domainIl.test(4, 0, 10).labels()).containsExactly(t0.labels());
    }

    @Test
    void jointDrawsFromEveryTaskSoFar() {
        ClTasks tasks = new ClTasks(ClBenchmark.parse("split-mnist"), ClScenario.CLASS_IL, data(), 0, 1L);
        Batch b = tasks.nextUpTo(2, 300, new SplittableRandom(3));
        assertThat(b.tasks()).containsOnly(0, 1, 2);
        assertThat(b.labels()).containsOnly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void optionsAreCheckedWithClearMessages() {
        assertThatThrownBy(() -> ClBench.parse("--benchmarks", "split-cifar")).hasMessageContaining("split-cifar");
        assertThatThrownBy(() -> ClBench.parse("--scenarios", "task")).hasMessageContaining("task-il");
        assertThatThrownBy(() -> ClBench.parse("--seeds", "x")).hasMessageContaining("--seeds");
        assertThatThrownBy(() -> ClBench.parse("--bogus", "1")).hasMessageContaining("unknown option --bogus");
        ClBench.Config quick = ClBench.parse("--quick", "--seeds", "2");
        assertThat(quick.benchmarks()).extracting(ClBenchmark::name).containsExactly("split-mnist");
        assertThat(quick.benchmarks().get(0).iterationsPerTask()).isEqualTo(ClBench.QUICK_ITERATIONS);
        assertThat(quick.seeds()).containsExactly(1L, 2L);
        ClBench.Config full = ClBench.parse();
        assertThat(full.benchmarks()).hasSize(4);
        assertThat(full.benchmarks().get(1).hidden()).isEqualTo(List.of(1000, 1000));
        assertThat(full.benchmarks().get(1).iterationsPerTask()).isEqualTo(5000);
        assertThat(full.options().bufferCapacity()).isEqualTo(2000);
    }

    @Test
    void paddingSurroundsEachImageWithZerosAndThePermutationCoversThePaddedPixels() {
        ClSourceData source = data();
        ClSourceData padded = source.padded(2);
        assertThat(padded.inputs()).as("2x2 images padded by 2 are 6x6").isEqualTo(36);
        float[] image = padded.trainFeatures()[37];
        float[] expected = new float[36];
        expected[2 * 6 + 2] = 0.37f;
        expected[2 * 6 + 3] = 0.1f;
        expected[3 * 6 + 2] = 0.2f;
        expected[3 * 6 + 3] = 0.3f;
        assertThat(image).containsExactly(expected);
        assertThat(padded.trainLabels()).as("labels are shared").isSameAs(source.trainLabels());
        assertThat(source.trainFeatures()[37]).as("the source is left as it was").hasSize(4);
        assertThat(source.padded(0)).isSameAs(source);

        ClTasks tasks = new ClTasks(ClBenchmark.parse("perm-mnist"), ClScenario.DOMAIN_IL, padded, 0, 1L);
        float[] permuted = tasks.test(3, 37, 38).features()[0];
        assertThat(permuted).hasSize(36);
        float sum = 0;
        int nonZero = 0;
        for (float v : permuted) {
            sum += v;
            nonZero += v != 0 ? 1 : 0;
        }
        assertThat(nonZero).as("the four pixels, moved among the 36").isEqualTo(4);
        assertThat(sum).isCloseTo(0.37f + 0.6f, org.assertj.core.data.Offset.offset(1e-6f));

        ClSourceData notSquare = new ClSourceData("wide", new float[][] {{1, 2, 3}}, new int[] {0},
                new float[][] {{1, 2, 3}}, new int[] {0});
        assertThatThrownBy(() -> notSquare.padded(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("square");
        assertThatThrownBy(() -> data().padded(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0");
    }
}
