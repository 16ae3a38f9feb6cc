package dev.mnemo.learner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpSpecTest {

    @Test
    void defaultsAreTheDocumentedNetwork() {
        MlpSpec spec = MlpSpec.defaults(784, 10);

        assertThat(spec.inputs()).isEqualTo(784);
        assertThat(spec.hidden()).containsExactly(256, 128);
        assertThat(spec.classes()).isEqualTo(10);
        assertThat(spec.learningRate()).isEqualTo(1e-3);
        assertThat(spec.dropoutKeep()).isEqualTo(1.0);
        assertThat(spec.seed()).isEqualTo(42L);
    }

    @Test
    void countsParametersAndMultiplyAdds() {
        MlpSpec spec = MlpSpec.defaults(784, 10);

        // (784+1)*256 + (256+1)*128 + (128+1)*10
        assertThat(spec.parameterCount()).isEqualTo(200_960L + 32_896L + 1_290L);
        assertThat(spec.multiplyAddsPerSample()).isEqualTo(784L * 256 + 256L * 128 + 128L * 10);
        assertThat(new MlpSpec(4, List.of(), 3, 0.1, 1.0, 1).parameterCount()).isEqualTo(15L);
    }

    @Test
    void copiesTheHiddenList() {
        List<Integer> widths = new ArrayList<>(Arrays.asList(8, 4));
        MlpSpec spec = new MlpSpec(2, widths, 2, 0.01, 1.0, 1);
        widths.set(0, 99);

        assertThat(spec.hidden()).containsExactly(8, 4);
        assertThatThrownBy(() -> spec.hidden().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsValuesOutsideTheirRange() {
        assertThatThrownBy(() -> new MlpSpec(0, List.of(8), 2, 0.01, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputs must be >= 1");
        assertThatThrownBy(() -> new MlpSpec(4, List.of(8, 0), 2, 0.01, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden[1] must be >= 1");
        assertThatThrownBy(() -> new MlpSpec(4, null, 2, 0.01, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden");
        assertThatThrownBy(() -> new MlpSpec(4, List.of(8), 1, 0.01, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("classes must be >= 2");
        assertThatThrownBy(() -> new MlpSpec(4, List.of(8), 2, 0.0, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learningRate must be in (0, 1]");
        assertThatThrownBy(() -> new MlpSpec(4, List.of(8), 2, Double.NaN, 1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learningRate must be in (0, 1]");
        assertThatThrownBy(() -> new MlpSpec(4, List.of(8), 2, 0.01, 0.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropoutKeep (probability of keeping a unit) must be in (0, 1]");
        assertThatThrownBy(() -> new MlpSpec(4, List.of(8), 2, 0.01, 1.5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 1]");
    }

    @Test
    void withersChangeOneValue() {
        MlpSpec spec = MlpSpec.defaults(64, 10);

        assertThat(spec.withLearningRate(0.01).learningRate()).isEqualTo(0.01);
        assertThat(spec.withDropoutKeep(0.5).dropoutKeep()).isEqualTo(0.5);
        assertThat(spec.withSeed(7).seed()).isEqualTo(7L);
        assertThat(spec.withHidden(List.of(32)).hidden()).containsExactly(32);
        assertThat(spec.withSeed(7).withSeed(42)).isEqualTo(spec);
    }
}
