package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.replay.ClassBalancedBuffer;
import dev.mnemo.replay.storage.SampleFormat;

/**
 * The state and settings contract of {@link ContinualStrategy}, run against every strategy a
 * checkpoint can hold: what {@code state()} gives after training, {@code restore} takes back into a
 * new instance of the same strategy, which then gives the same state; a state of an unknown version
 * is refused; settings read back through {@code with(values())}.
 */
class StrategyStateContractTest {

    private static final MlpSpec SPEC = new MlpSpec(8, List.of(16), 4, 1e-2, 1.0, 5L);

    static Stream<Arguments> strategies() {
        return Stream.of(
                Arguments.of("fine-tune", (Supplier<ContinualStrategy>) () -> new FineTuning(0.1, 1)),
                Arguments.of("lwf", (Supplier<ContinualStrategy>) () -> new Lwf(2.0, 0.5, 3)),
                Arguments.of("replay", (Supplier<ContinualStrategy>) () -> new Replay(
                        new ClassBalancedBuffer(SampleFormat.float32(8), 12, 3L), 4, 7L)),
                Arguments.of("active-classes", (Supplier<ContinualStrategy>) ActiveClasses::new));
    }

    /** Two tasks with a boundary between them, so that every strategy has something to keep. */
    private static ContinualTrainer trained(ContinualStrategy strategy) {
        ContinualTrainer trainer = new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS),
                new ClassIncremental(), List.of(strategy));
        for (int s = 0; s < 4; s++) {
            trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, s));
        }
        trainer.taskBoundary();
        trainer.step(Synthetic.blobs(8, 8, new int[] {2}, 1, 9));
        return trainer;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void stateRestoresIntoANewInstance(String id, Supplier<ContinualStrategy> make) {
        ContinualStrategy original = make.get();
        assertThat(original.id()).isEqualTo(id).matches(StrategyState.PART_NAME);
        trained(original);
        StrategyState state = original.state();
        assertThat(state.version()).isGreaterThanOrEqualTo(1);

        ContinualStrategy fresh = make.get();
        fresh.restore(state);
        StrategyState back = fresh.state();
        assertThat(back.version()).isEqualTo(state.version());
        assertThat(back.properties()).isEqualTo(state.properties());
        assertThat(back.networks()).isEqualTo(state.networks());
        assertThat(back.buffers()).isEqualTo(state.buffers());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void aStateOfAnotherFormatIsRefused(String id, Supplier<ContinualStrategy> make) {
        ContinualStrategy strategy = make.get();
        StrategyState future = StrategyState.of(99, Map.of("from-the-future", "1"));
        assertThatThrownBy(() -> strategy.restore(future)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void settingsReadBackByName(String id, Supplier<ContinualStrategy> make) {
        ContinualStrategy strategy = make.get();
        StrategySettings settings = strategy.settings();
        assertThat(settings.with(settings.values())).isEqualTo(settings);
        strategy.apply(settings);
        assertThat(strategy.settings()).isEqualTo(settings);
    }

    @org.junit.jupiter.api.Test
    void lwfKeepsItsClassesWarmUpAndTeacher() {
        Lwf lwf = new Lwf(2.0, 0.5, 3);
        trained(lwf);
        StrategyState state = lwf.state();
        assertThat(state.properties()).containsExactlyInAnyOrderEntriesOf(
                Map.of("seen", "0,1,2", "teacher", "0,1", "warmup-left", "2"));
        assertThat(state.network("teacher")).containsSame(lwf.teacher().orElseThrow());

        Lwf fresh = new Lwf(2.0, 0.5, 3);
        fresh.restore(state);
        assertThat(fresh.snapshot().teacherClasses()).containsExactly(0, 1);
        assertThat(fresh.teacher()).containsSame(lwf.teacher().orElseThrow());
        assertThatThrownBy(() -> new Lwf().restore(StrategyState.of(1, Map.of("seen", "0", "warmup-left", "0",
                "teacher", "0")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("teacher");
    }

    @org.junit.jupiter.api.Test
    void replayKeepsItsBufferAndDrawStream() {
        ClassBalancedBuffer buffer = new ClassBalancedBuffer(SampleFormat.float32(8), 12, 3L);
        Replay replay = new Replay(buffer, 4, 7L);
        ContinualTrainer trainer = trained(replay);
        StrategyState state = replay.state();
        assertThat(state.buffer("buffer")).containsSame(buffer);
        assertThat(state.properties()).containsExactly(Map.entry("draw-stream", Long.toString(trainer.model().version())));
        assertThatThrownBy(() -> new Replay(buffer, 4, 7L).restore(StrategyState.of(1, Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffer");
    }

    @org.junit.jupiter.api.Test
    void jointTrainingCannotBeCheckpointed() {
        assertThatThrownBy(() -> new JointTraining(4, 1L).state()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offline evaluation");
    }
}
