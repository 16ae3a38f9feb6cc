package dev.mnemo.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real datasets where this machine has them (see DatasetLocator); a test whose data is
 * missing is skipped, never fed with made-up data.
 */
class DatasetsTest {

    private static final DatasetLocator LOCATOR = DatasetLocator.standard();

    private static void assumeAvailable(String name) {
        assumeTrue(LOCATOR.isAvailable(name), () -> name + " is not installed here; run ./mnemo data");
    }

    private static void assertUnitInterval(LabelledData data) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float[] row : data.features()) {
            for (float v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void fashionMnist() {
        assumeAvailable(Datasets.FASHION_MNIST);
        DatasetSplit data = Datasets.fashionMnist(LOCATOR);
        assertThat(data.train().name()).isEqualTo("fashion-mnist-train");
        assertThat(data.test().name()).isEqualTo("fashion-mnist-test");
        assertThat(data.train().size()).isEqualTo(60_000);
        assertThat(data.test().size()).isEqualTo(10_000);
        assertThat(data.train().dimension()).isEqualTo(784);
        assertThat(data.train().shape()).containsExactly(28, 28);
        assertThat(data.classes()).isEqualTo(10);
        assertThat(data.train().classCounts()).containsOnly(6_000);
        assertThat(data.test().classCounts()).containsOnly(1_000);
        assertThat(data.train().label(0)).isEqualTo(9);
        assertThat(data.test().label(0)).isEqualTo(9);
        assertUnitInterval(data.train());
    }

    @Test
    void mnist() {
        assumeAvailable(Datasets.MNIST);
        DatasetSplit data = Datasets.mnist(LOCATOR);
        assertThat(data.train().size()).isEqualTo(60_000);
        assertThat(data.test().size()).isEqualTo(10_000);
        assertThat(data.train().shape()).containsExactly(28, 28);
        assertThat(data.train().classCounts())
                .containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        assertThat(data.train().label(0)).isEqualTo(5);
        assertThat(data.test().label(0)).isEqualTo(7);
        assertUnitInterval(data.test());
    }

    @Test
    void digits() {
        assumeAvailable(Datasets.DIGITS);
        LabelledData all = Datasets.digits(LOCATOR);
        assertThat(all.name()).isEqualTo("digits");
        assertThat(all.size()).isEqualTo(1797);
        assertThat(all.dimension()).isEqualTo(64);
        assertThat(all.shape()).containsExactly(8, 8);
        assertThat(all.classCounts()).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        assertThat(all.label(0)).isEqualTo(0);
        assertThat(all.feature(0)[2]).isEqualTo(5 / 16f);
        assertUnitInterval(all);
    }

    @Test
    void digitsSplitIsStratifiedAndSeeded() {
        assumeAvailable(Datasets.DIGITS);
        DatasetSplit split = Datasets.load(Datasets.DIGITS, LOCATOR);
        assertThat(split.train().name()).isEqualTo("digits-train");
        assertThat(split.test().name()).isEqualTo("digits-test");
        assertThat(split.train().size() + split.test().size()).isEqualTo(1797);
        int[] all = Datasets.digits(LOCATOR).classCounts();
        int[] test = split.test().classCounts();
        for (int c = 0; c < 10; c++) {
            assertThat(test[c]).isEqualTo((int) Math.round(all[c] * 0.2));
        }
        assertThat(split.test().size()).isEqualTo(359);
        DatasetSplit again = Datasets.load(Datasets.DIGITS, LOCATOR);
        assertThat(again.test().labels()).containsExactly(split.test().labels());
        assertThat(again.test().features()[17]).containsExactly(split.test().features()[17]);
    }

    @Test
    void classIncrementalStreamOverRealData() {
        assumeAvailable(Datasets.DIGITS);
        LabelledData digits = Datasets.digits(LOCATOR);
        StreamOrder.OrderedStream s = StreamOrder.classIncremental(digits, 2, 1000, 11L);
        assertThat(s.size()).isEqualTo(1000);
        assertThat(s.boundaries()).containsExactly(200, 400, 600, 800);
        for (int k = 0; k < s.size(); k++) {
            int label = digits.label(s.indices()[k]);
            assertThat(label / 2 + 1).isEqualTo(s.taskIds()[k]);
        }
    }

    @Test
    void firstAvailableSkipsMissingDatasets(@TempDir Path empty) {
        DatasetLocator nothing = new DatasetLocator(empty.resolve("c"), empty.resolve("w"), empty.resolve("r"), List.of());
        assertThat(Datasets.firstAvailable(nothing, "mnist", "fashion-mnist", "digits")).isEmpty();
        assertThatThrownBy(() -> Datasets.load("mnist", nothing)).isInstanceOf(DatasetUnavailableException.class);
        assertThatThrownBy(() -> Datasets.firstAvailable("nope")).isInstanceOf(IllegalArgumentException.class);
        for (String name : Datasets.NAMES) {
            if (LOCATOR.isAvailable(name)) {
                assertThat(Datasets.firstAvailable(name)).contains(name);
            }
        }
    }
}
