package dev.mnemo.learner.bench.cl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.model.Initialisation;
import org.junit.jupiter.api.Test;

/** How {@code ./mnemo bench cl} reads its strategy options. */
class ClBenchOptionsTest {

    @Test
    void lwfLambdaTakesANumberOrTheTaskWeighting() {
        ClOptions byTasks = ClBench.parse("--lwf-lambda", "tasks").options();
        assertThat(byTasks.lwfWeighting()).isEqualTo("tasks");
        assertThat(byTasks.lambda()).as("the fixed weight keeps its default").isEqualTo(0.5);
        assertThat(byTasks.variant("lwf")).isEqualTo("lambda=1-1/t");
        assertThat(byTasks.variant("replay")).as("replay has no distillation term").isEmpty();
        assertThat(byTasks.strategy("lwf", 3L).lwfWeighting()).isEqualTo("tasks");

        ClOptions fixed = ClBench.parse("--lwf-lambda", "tasks", "--lwf-lambda", "0.25").options();
        assertThat(fixed.lwfWeighting()).as("the last value wins").isEqualTo("fixed");
        assertThat(fixed.variant("lwf")).isEqualTo("lambda=0.25");

        assertThatThrownBy(() -> ClBench.parse("--lwf-lambda", "growing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--lwf-lambda");
        assertThatThrownBy(() -> ClBench.parse("--lwf-lambda", "1.5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lambda");
    }

    @Test
    void initSelectsTheNetworksInitialisationForEveryStrategy() {
        ClOptions uniform = ClBench.parse("--init", "uniform").options();
        assertThat(uniform.initialisation()).isEqualTo(Initialisation.UNIFORM_FAN_IN);
        assertThat(uniform.variant("fine-tune")).isEqualTo("uniform init");
        assertThat(uniform.variant("lwf")).isEqualTo("uniform init");
        assertThat(ClBench.parse().options().initialisation()).as("default").isEqualTo(Initialisation.HE);
        assertThat(ClBench.parse().options().variant("lwf")).isEmpty();
        assertThatThrownBy(() -> ClBench.parse("--init", "zeros"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[he, uniform]");
    }

    @Test
    void padAddsZerosAroundTheImagesAndNamesTheVariant() {
        ClOptions padded = ClBench.parse("--pad", "2").options();
        assertThat(padded.pad()).isEqualTo(2);
        assertThat(padded.variant("lwf")).isEqualTo("2 px padding");
        assertThat(ClBench.parse("--pad", "2", "--init", "uniform").options().variant("fine-tune"))
                .isEqualTo("2 px padding, uniform init");
        assertThat(ClBench.parse().options().pad()).as("default").isZero();
        assertThatThrownBy(() -> ClBench.parse("--pad", "-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> ClBench.parse("--pad", "two"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--pad");
    }
}
