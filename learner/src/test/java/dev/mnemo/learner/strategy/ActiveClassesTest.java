package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hard loss over the classes seen so far. */
class ActiveClassesTest {

    private static final MlpSpec SPEC = new MlpSpec(8, List.of(16), 6, 1e-2, 1.0, 5L);

    @Test
    void rowsAllowTheSeenClassesAndThoseOfTheCurrentBatch() {
        ActiveClasses active = new ActiveClasses();
        Batch first = Synthetic.blobs(4, 8, new int[] {0, 1}, 0, 1L);
        float[][] mask = active.classMask(first, first, null, 6);
        assertThat(mask).hasDimensions(4, 6);
        for (float[] row : mask) {
            assertThat(row).containsExactly(1f, 1f, 0f, 0f, 0f, 0f);
        }
        active.afterStep(first, first, null);
        assertThat(active.seen()).containsExactly(0, 1);

        Batch second = Synthetic.blobs(4, 8, new int[] {3}, 1, 2L);
        for (float[] row : active.classMask(second, second, null, 6)) {
            assertThat(row).containsExactly(1f, 1f, 0f, 1f, 0f, 0f);
        }
    }

    @Test
    void narrowsTheMaskItIsGivenAndKeepsRowsItWouldClose() {
        ActiveClasses active = new ActiveClasses();
        active.restore(new int[] {0, 1, 2});
        Batch batch = Synthetic.blobs(2, 8, new int[] {1}, 0, 3L);
        float[][] given = {{0f, 1f, 1f, 1f, 0f, 0f}, {0f, 0f, 0f, 0f, 1f, 1f}};
        float[][] mask = active.classMask(batch, batch, given, 6);
        assertThat(mask[0]).containsExactly(0f, 1f, 1f, 0f, 0f, 0f);
        assertThat(mask[1]).as("no active class left: the row keeps its own mask").isEqualTo(given[1]);
    }

    @Test
    void leavesTheMaskAloneWhenNothingIsKnownOrEverythingIsActive() {
        ActiveClasses active = new ActiveClasses();
        Batch unlabelled = Batch.unlabelled(new float[3][8], 0);
        assertThat(active.classMask(unlabelled, unlabelled, null, 6)).isNull();
        active.afterStep(unlabelled, unlabelled, null);
        assertThat(active.seen()).isEmpty();
        active.restore(new int[] {0, 1, 2, 3, 4, 5});
        Batch batch = Synthetic.blobs(2, 8, new int[] {4}, 0, 4L);
        assertThat(active.classMask(batch, batch, null, 6)).isNull();
    }

    @Test
    void unseenClassesGetNoGradient() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(), List.of(new ActiveClasses()));
        float[] before = model.layerParameters(1);
        for (int s = 0; s < 10; s++) {
            trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, s));
        }
        float[] after = model.layerParameters(1);
        int fanIn = 16;
        for (int c = 0; c < 6; c++) {
            float[] wBefore = Arrays.copyOfRange(before, c * fanIn, (c + 1) * fanIn);
            float[] wAfter = Arrays.copyOfRange(after, c * fanIn, (c + 1) * fanIn);
            if (c < 2) {
                assertThat(wAfter).as("weights of seen class %d", c).isNotEqualTo(wBefore);
            } else {
                assertThat(wAfter).as("weights of unseen class %d", c).isEqualTo(wBefore);
                assertThat(after[fanIn * 6 + c]).as("bias of unseen class %d", c).isEqualTo(before[fanIn * 6 + c]);
            }
        }
    }

    @Test
    void strategySpecPutsItFirstAndRejectsUnknownRules() {
        ContinualTrainer trainer = StrategySpec.parse("replay").withActiveClasses("seen").trainer(SPEC);
        assertThat(trainer.strategies().get(0)).isInstanceOf(ActiveClasses.class);
        assertThat(trainer.strategies()).hasSize(2);
        assertThat(StrategySpec.parse("replay").trainer(SPEC).strategy(ActiveClasses.class)).isEmpty();
        assertThatThrownBy(() -> StrategySpec.parse("lwf").withActiveClasses("some"))
                .hasMessageContaining("active classes must be one of [all, seen]");
        assertThatThrownBy(() -> new ActiveClasses().restore(new int[] {-2})).hasMessageContaining(">= 0");
    }
}
