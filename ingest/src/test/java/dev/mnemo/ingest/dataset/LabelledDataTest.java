package dev.mnemo.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelledDataTest {

    private static LabelledData three() {
        return new LabelledData("t", new float[][] {{0f, 1f}, {0.5f, 0.5f}, {1f, 0f}}, new int[] {0, 2, 1}, 3,
                new int[] {1, 2});
    }

    @Test
    void subsetKeepsOrderAndMetadata() {
        LabelledData sub = three().subset(new int[] {2, 0});
        assertThat(sub.size()).isEqualTo(2);
        assertThat(sub.labels()).containsExactly(1, 0);
        assertThat(sub.feature(0)).containsExactly(1f, 0f);
        assertThat(sub.name()).isEqualTo("t");
        assertThat(sub.shape()).containsExactly(1, 2);
        assertThat(three().subset(new int[] {1}, "u").name()).isEqualTo("u");
        assertThat(three().classCounts()).containsExactly(1, 1, 1);
    }

    @Test
    void checksInvariants() {
        assertThatThrownBy(() -> new LabelledData("x", new float[][] {{0f}}, new int[] {3}, 3, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("label of row 0 is 3, outside [0, 3)");
        assertThatThrownBy(() -> new LabelledData("x", new float[][] {{0f}, {0f, 1f}}, new int[] {0, 0}, 3, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 1 has 2 values, expected 1 like row 0");
        assertThatThrownBy(() -> new LabelledData("x", new float[][] {{0f, 1f}}, new int[] {0}, 3, new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shape [3] has 3 cells but rows have 2 values");
        assertThatThrownBy(() -> three().subset(new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("index 3 at position 0 is outside [0, 3)");
    }
}
