package dev.mnemo.learner.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.DistillationLoss;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.replay.ReservoirBuffer;
import dev.mnemo.replay.storage.SampleFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The loop and the composition of plug-ins. */
class ContinualTrainerTest {

    private static final MlpSpec SPEC = new MlpSpec(8, List.of(16, 16), 4, 1e-2, 1.0, 5L);

    /** Records what the loop hands to the hooks, and supplies nothing. */
    static final class Recorder implements ContinualStrategy {
        final List<Integer> composedSizes = new ArrayList<>();
        final List<Integer> softTargetSizes = new ArrayList<>();
        final List<StepResult> results = new ArrayList<>();
        int boundaries;

        @Override
        public String id() {
            return "recorder";
        }

        @Override
        public void taskBoundary(Classifier model) {
            boundaries++;
        }

        @Override
        public Batch compose(Batch batch) {
            composedSizes.add(batch.size());
            return batch;
        }

        @Override
        public Optional<SoftTargets> softTargets(Batch stream, Batch batch, float[][] classMask) {
            softTargetSizes.add(batch.size());
            return Optional.empty();
        }

        @Override
        public void afterStep(Batch stream, Batch trained, StepResult result) {
            results.add(result);
        }
    }

    @Test
    void lwfPlusReplayRunsBothHooks() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ListBuffer buffer = new ListBuffer(64, new SplittableRandom(1L));
        Lwf lwf = new Lwf();
        Recorder recorder = new Recorder();
        ContinualTrainer trainer =
                new ContinualTrainer(
                        model, new ClassIncremental(), List.of(lwf, new Replay(buffer, 16, 2L), recorder));

        StepResult first = trainer.step(Synthetic.blobs(16, 8, new int[] {0, 1}, 0, 3L));
        assertThat(first.trained()).isTrue();
        assertThat(first.distilled()).as("no teacher before the first boundary").isFalse();
        assertThat(first.trainedSize()).as("empty buffer: nothing to replay").isEqualTo(16);
        assertThat(buffer.size()).as("stream samples stored after the step").isEqualTo(16);

        trainer.taskBoundary();
        assertThat(lwf.hasTeacher()).isTrue();
        assertThat(recorder.boundaries).isEqualTo(1);
        StepResult second = trainer.step(Synthetic.blobs(16, 8, new int[] {2, 3}, 1, 4L));
        assertThat(second.distilled()).isTrue();
        assertThat(second.streamSize()).isEqualTo(16);
        assertThat(second.trainedSize()).isEqualTo(32);
        assertThat(recorder.composedSizes).containsExactly(16, 32);
        assertThat(recorder.softTargetSizes).as("teacher sees stream + replay rows").containsExactly(16, 32);
        assertThat(buffer.size()).isEqualTo(32);
        assertThat(recorder.results).containsExactly(first, second);
        assertThat(model.version()).isEqualTo(2L);
        assertThat(trainer.tasksEnded()).isEqualTo(1);
    }

    @Test
    void aConfirmedCandidateBoundaryTakesTheTeacherAsItWasWhenMarked() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        Lwf lwf = new Lwf();
        Recorder recorder = new Recorder();
        ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(), List.of(lwf, recorder));
        for (int s = 0; s < 3; s++) {
            trainer.step(Synthetic.blobs(16, 8, new int[] {0, 1}, 0, s));
        }
        float[][] probe = Synthetic.blobs(6, 8, new int[] {0, 1, 2, 3}, 0, 77L).features();
        float[][] atMark = model.logits(probe);

        trainer.markBoundaryCandidate();
        trainer.step(Synthetic.blobs(16, 8, new int[] {2, 3}, 0, 5L)); // the new classes, before the confirmation
        assertThat(lwf.hasTeacher()).as("a candidate is not a boundary").isFalse();
        trainer.confirmBoundary();

        assertThat(lwf.teacher().orElseThrow().logits(probe)).as("the model as it was at the mark").isDeepEqualTo(atMark);
        assertThat(lwf.snapshot().teacherClasses()).as("classes seen by the mark, not the new ones").containsExactly(0, 1);
        assertThat(trainer.tasksEnded()).isEqualTo(1);
        assertThat(recorder.boundaries).as("strategies without a candidate hook end the task on confirmation").isEqualTo(1);

        trainer.confirmBoundary(); // no candidate: a boundary now
        assertThat(lwf.snapshot().teacherClasses()).containsExactly(0, 1, 2, 3);
        assertThat(trainer.tasksEnded()).isEqualTo(2);

    }

    @Test
    void theOldTasksClassesKeepClassesSeenJustBeforeTheCandidateOutOfTheTeacher() {
        Lwf lwf = new Lwf();
        ContinualTrainer trainer = new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS),
                new ClassIncremental(), List.of(lwf));
        trainer.step(Synthetic.blobs(16, 8, new int[] {0, 1}, 0, 1L));
        // The change began a little before the detection: one step of a new class before the candidate.
        trainer.step(Synthetic.blobs(16, 8, new int[] {2}, 0, 2L));
        trainer.markBoundaryCandidate();
        trainer.confirmBoundary(new int[] {0, 1});

        assertThat(lwf.snapshot().seenClasses()).containsExactly(0, 1, 2);
        assertThat(lwf.snapshot().teacherClasses()).as("the new class is not distilled").containsExactly(0, 1);
    }

    @Test
    void asymmetricReplayKeepsTheStreamRowsOnTheirBatchsClasses() {
        ListBuffer buffer = new ListBuffer(64, new SplittableRandom(1L));
        Replay asymmetric = new Replay(buffer, 8, 2L, true);
        Replay plain = new Replay(buffer, 8, 2L, false);
        asymmetric.afterStep(Synthetic.blobs(16, 8, new int[] {0, 1}, 0, 1L), null, null);
        Batch stream = Synthetic.blobs(4, 8, new int[] {2, 3}, 1, 2L);
        Batch composed = asymmetric.compose(stream);
        assertThat(composed.size()).isEqualTo(12);

        float[][] mask = asymmetric.classMask(stream, composed, null, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(mask[i]).as("stream row %d: only the stream batch's classes", i).containsExactly(0f, 0f, 1f, 1f);
        }
        for (int i = 4; i < 12; i++) {
            assertThat(mask[i]).as("replayed row %d: every class", i).containsExactly(1f, 1f, 1f, 1f);
        }
        float[][] taskMask = new float[12][];
        java.util.Arrays.fill(taskMask, new float[] {0f, 1f, 1f, 0f});
        float[][] narrowed = asymmetric.classMask(stream, composed, taskMask, 4);
        assertThat(narrowed[0]).as("within the scenario's mask").containsExactly(0f, 0f, 1f, 0f);
        assertThat(narrowed[11]).containsExactly(0f, 1f, 1f, 0f);
        assertThat(plain.classMask(stream, composed, null, 4)).isNull();
        assertThat(asymmetric.classMask(stream, stream, null, 4)).as("nothing replayed: unchanged").isNull();

        ContinualTrainer trainer = new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS),
                new ClassIncremental(), List.of(asymmetric));
        assertThat(trainer.step(stream).trained()).isTrue();
    }

    @Test
    void lwfOverSeenClassesPutsTheNewClassesInTheDistillationSoftmaxWithTargetZero() {
        for (Lwf.Scope scope : Lwf.Scope.values()) {
            Lwf lwf = new Lwf();
            lwf.setScope(scope);
            ContinualTrainer trainer = new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS),
                    new ClassIncremental(), List.of(lwf));
            trainer.step(Synthetic.blobs(16, 8, new int[] {0, 1}, 0, 1L));
            trainer.taskBoundary();
            Batch next = Synthetic.blobs(4, 8, new int[] {2}, 1, 2L);
            float[][] q = lwf.softTargets(next, next, null).orElseThrow().probabilities();
            for (float[] row : q) {
                assertThat(row[0] + row[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
                assertThat(row[2]).as(scope + ": the batch's new class")
                        .isEqualTo(scope == Lwf.Scope.SEEN_CLASSES ? DistillationLoss.IN_SUPPORT_ZERO : 0f);
                assertThat(row[3]).as(scope + ": a class not seen yet").isZero();
            }
            Batch withReplayed = next.concat(Synthetic.blobs(2, 8, new int[] {2}, 1, 3L));
            float[][] replayedRows = lwf.softTargets(next, withReplayed, null).orElseThrow().probabilities();
            assertThat(replayedRows[next.size()][2]).as(scope + ": replayed rows keep the old-classes rule").isZero();
            trainer.step(next);   // class 2 is now a seen class
            Batch unlabelled = Batch.unlabelled(next.features(), 1);
            for (float[] row : lwf.softTargets(unlabelled, unlabelled, null).orElseThrow().probabilities()) {
                assertThat(row[2]).as(scope + ": an unlabelled row has no hard term to compete in").isZero();
            }
            float[][] ownTask = new float[next.size()][];
            java.util.Arrays.fill(ownTask, new float[] {0f, 0f, 1f, 1f});
            for (float[] row : lwf.softTargets(next, next, ownTask).orElseThrow().probabilities()) {
                assertThat(row[2]).as(scope + ": a task-incremental sample never competes with old classes").isZero();
            }
        }
    }

    @Test
    void weighingByTasksGivesTheDistillationTermOneMinusOneOverTOnTheTthTask() {
        Lwf fixed = new Lwf(2.0, 0.3, 0);
        Lwf byTasks = new Lwf(2.0, 0.3, 0);
        byTasks.setWeighting(Lwf.Weighting.BY_TASKS);
        ContinualTrainer a = new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS), new ClassIncremental(),
                List.of(fixed));
        ContinualTrainer b = new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS), new ClassIncremental(),
                List.of(byTasks));
        b.taskBoundary();   // nothing learnt yet: no teacher, still the first task
        assertThat(byTasks.hasTeacher()).isFalse();
        double[] expected = {0.5, 2.0 / 3.0, 0.75};
        for (int task = 0; task < expected.length; task++) {
            Batch batch = Synthetic.blobs(8, 8, new int[] {task % 4}, 0, task);
            a.step(batch);
            b.step(batch);
            a.taskBoundary();
            b.taskBoundary();
            Batch next = Synthetic.blobs(4, 8, new int[] {(task + 1) % 4}, 0, 10L + task);
            assertThat(byTasks.softTargets(next, next, null).orElseThrow().lambda())
                    .as("task " + (task + 2)).isCloseTo(expected[task], org.assertj.core.data.Offset.offset(1e-12));
            assertThat(fixed.softTargets(next, next, null).orElseThrow().lambda()).isEqualTo(0.3);
        }
        assertThat(byTasks.lambda()).as("the configured weight is kept").isEqualTo(0.3);
        assertThat(StrategySpec.parse("lwf").withLwfWeighting("tasks").lwfWeighting()).isEqualTo("tasks");
        assertThatThrownBy(() -> StrategySpec.parse("lwf").withLwfWeighting("growing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixed");
    }

    @Test
    void composesWithTheReplayStoresReservoirBuffer() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ReservoirBuffer buffer = new ReservoirBuffer(SampleFormat.float32(8), 20, 1L);
        ContinualTrainer trainer =
                new ContinualTrainer(model, new ClassIncremental(), List.of(new Lwf(), new Replay(buffer, 8, 2L)));
        for (int s = 0; s < 4; s++) {
            trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, s));
        }
        trainer.taskBoundary();
        StepResult result = trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 9L));
        assertThat(buffer.size()).isEqualTo(20);
        assertThat(result.trainedSize()).isEqualTo(16);
        assertThat(result.distilled()).isTrue();
    }

    @Test
    void beforeTheFirstBoundaryLwfIsPlainCrossEntropy() {
        Classifier plain = Classifier.create(SPEC, OutputHead.LOGITS);
        Classifier withLwf = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer a = new ContinualTrainer(plain, new ClassIncremental(), List.of());
        ContinualTrainer b = new ContinualTrainer(withLwf, new ClassIncremental(), List.of(new Lwf()));
        for (int s = 0; s < 5; s++) {
            Batch batch = Synthetic.blobs(12, 8, new int[] {0, 1, 2}, 0, s);
            a.step(batch);
            b.step(batch);
        }
        float[][] x = Synthetic.blobs(6, 8, new int[] {0, 1, 2, 3}, 0, 77L).features();
        assertThat(withLwf.logits(x)).isDeepEqualTo(plain.logits(x));
    }

    @Test
    void theLogitsHeadTrainsLikeTheSoftmaxHead() {
        Classifier softmax = Classifier.create(SPEC);
        Classifier logits = Classifier.create(SPEC, OutputHead.LOGITS);
        for (int s = 0; s < 5; s++) {
            Batch batch = Synthetic.blobs(12, 8, new int[] {0, 1, 2, 3}, 0, s);
            softmax.train(batch.features(), batch.labels());
            logits.train(batch.features(), batch.labels());
        }
        float[][] x = Synthetic.blobs(6, 8, new int[] {0, 1, 2, 3}, 0, 77L).features();
        float[][] p = softmax.predict(x).probabilities();
        float[][] q = logits.predict(x).probabilities();
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < 4; c++) {
                assertThat((double) q[i][c]).isCloseTo(p[i][c], org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }

    @Test
    void unlabelledSamplesTrainOnlyWithATeacher() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(), List.of(new Lwf()));
        float[][] u = Synthetic.blobs(8, 8, new int[] {0}, 0, 1L).features();
        StepResult skipped = trainer.step(Batch.empty(), Batch.unlabelled(u, 0));
        assertThat(skipped.trained()).isFalse();
        assertThat(model.version()).isZero();

        trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, 2L));
        trainer.taskBoundary();
        StepResult distilled = trainer.step(Batch.empty(), Batch.unlabelled(u, 1));
        assertThat(distilled.trained()).isTrue();
        assertThat(distilled.distilled()).isTrue();
        assertThat(model.version()).isEqualTo(2L);
    }

    @Test
    void lwfWarmUpTrainsOnlyTheHead() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(), List.of(new Lwf(2.0, 0.5, 2)));
        trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, 1L));
        trainer.taskBoundary();
        float[] hidden0 = model.layerParameters(0);
        float[] head = model.layerParameters(2);
        trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 2L));
        trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 3L));
        assertThat(model.layerParameters(0)).isEqualTo(hidden0);
        assertThat(model.layerParameters(2)).isNotEqualTo(head);
        assertThat(model.learningRateScales()).containsExactly(0.0, 0.0, 1.0);
        trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 4L));
        assertThat(model.layerParameters(0)).isNotEqualTo(hidden0);
        assertThat(model.learningRateScales()).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void twoDistillationStrategiesAreAConfigurationError() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        // Two Lwf instances are refused at construction (one id, twice); a second distiller of another
        // kind is refused at the first step that both supply soft targets.
        ContinualStrategy otherDistiller = new ContinualStrategy() {
            private final Lwf inner = new Lwf();

            @Override
            public String id() {
                return "other-distiller";
            }

            @Override
            public void taskBoundary(Classifier m) {
                inner.taskBoundary(m);
            }

            @Override
            public Optional<SoftTargets> softTargets(Batch stream, Batch batch, float[][] classMask) {
                return inner.softTargets(stream, batch, classMask);
            }

            @Override
            public void afterStep(Batch stream, Batch trained, StepResult result) {
                inner.afterStep(stream, trained, result);
            }
        };
        ContinualTrainer trainer =
                new ContinualTrainer(model, new ClassIncremental(), List.of(new Lwf(), otherDistiller));
        trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, 1L));
        trainer.taskBoundary();
        assertThatThrownBy(() -> trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 2L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("more than one strategy supplies soft targets");
    }

    @Test
    void needsTheLogitsHead() {
        assertThatThrownBy(() -> new ContinualTrainer(Classifier.create(SPEC), new ClassIncremental(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LOGITS");
    }

    @Test
    void jointTrainingKeepsEverythingAndRehearsesIt() {
        Classifier model = Classifier.create(SPEC, OutputHead.LOGITS);
        JointTraining joint = new JointTraining(10, 3L);
        ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(), List.of(joint));
        assertThat(trainer.step(Synthetic.blobs(8, 8, new int[] {0, 1}, 0, 1L)).trainedSize()).isEqualTo(8);
        assertThat(trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 2L)).trainedSize()).isEqualTo(16);
        assertThat(trainer.step(Synthetic.blobs(8, 8, new int[] {2, 3}, 1, 3L)).trainedSize()).isEqualTo(18);
        assertThat(joint.size()).isEqualTo(24);
        assertThat(joint.seen().labels()).startsWith(0, 1, 0, 1);
    }

    @Test
    void batchChecksItsArguments() {
        assertThatThrownBy(() -> new Batch(new float[2][], new int[1], new int[2])).hasMessageContaining("same length");
        assertThatThrownBy(() -> Batch.labelled(new float[1][1], new int[] {-2}, 0)).hasMessageContaining("-1");
        assertThat(Batch.unlabelled(new float[3][1], 2).labelledCount()).isZero();
    }

    @Test
    void nameComesFromTheStrategiesIds() {
        MlpSpec spec = MlpSpec.defaults(8, 4);
        assertThat(StrategySpec.parse("fine-tune").trainer(spec).name()).isEqualTo("fine-tune");
        assertThat(StrategySpec.parse("lwf").trainer(spec).name()).isEqualTo("lwf");
        assertThat(StrategySpec.parse("replay").trainer(spec).name()).isEqualTo("replay");
        assertThat(StrategySpec.parse("lwf+replay").trainer(spec).name()).isEqualTo("lwf+replay");
        assertThat(StrategySpec.parse("replay").withActiveClasses("seen").trainer(spec).name())
                .isEqualTo("active-classes+replay");
        assertThatThrownBy(() -> new ContinualTrainer(Classifier.create(SPEC, OutputHead.LOGITS),
                new ClassIncremental(), List.of(new Lwf(), new Lwf())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two strategies have the id 'lwf'");
    }

    @Test
    void changeSettingsAppliesAllOrNothingAndReportsBeforeAndAfter() {
        ContinualTrainer trainer = StrategySpec.parse("lwf+replay").trainer(MlpSpec.defaults(8, 4));
        Lwf lwf = trainer.strategy(Lwf.class).orElseThrow();
        Replay replay = trainer.strategy(Replay.class).orElseThrow();
        assertThat(trainer.settings()).containsExactly(Map.entry("lwfLambda", "0.5"), Map.entry("replaySize", "64"));

        assertThat(trainer.changeSettings(Map.of("replaySize", "16", "lwfLambda", "0.25"))).containsExactly(
                Map.entry("lwfLambda.after", "0.25"), Map.entry("lwfLambda.before", "0.5"),
                Map.entry("replaySize.after", "16"), Map.entry("replaySize.before", "64"));
        assertThat(lwf.lambda()).isEqualTo(0.25);
        assertThat(replay.replaySize()).isEqualTo(16);

        assertThatThrownBy(() -> trainer.changeSettings(Map.of("replaySize", "8", "lwfLambda", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lwfLambda must be in [0, 1], got 2.0");
        assertThat(replay.replaySize()).as("nothing applied when one value is refused").isEqualTo(16);
        assertThatThrownBy(() -> trainer.changeSettings(Map.of("replaySize", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("replaySize must be >= 1, got 0");
        assertThatThrownBy(() -> trainer.changeSettings(Map.of("replaySize", "many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> trainer.changeSettings(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[lwfLambda, replaySize]");
    }

    @Test
    void changeSettingsNamesTheStrategyWhenNoneHasTheParameter() {
        ContinualTrainer lwfOnly = StrategySpec.parse("lwf").trainer(MlpSpec.defaults(8, 4));
        assertThatThrownBy(() -> lwfOnly.changeSettings(Map.of("replaySize", "8", "lwfLambda", "0.1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the strategy lwf has no run-time parameter replaySize; it has [lwfLambda]");
        assertThat(lwfOnly.strategy(Lwf.class).orElseThrow().lambda()).isEqualTo(0.5);
        ContinualTrainer plain = StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(8, 4));
        assertThatThrownBy(() -> plain.changeSettings(Map.of("lwfLambda", "0.1")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the strategy fine-tune");
    }

    @Test
    void restoreRefusesStatesOfOtherStrategies() {
        ContinualTrainer lwf = StrategySpec.parse("lwf").trainer(MlpSpec.defaults(8, 4));
        ContinualTrainer replay = StrategySpec.parse("replay").trainer(MlpSpec.defaults(8, 4));
        assertThatThrownBy(() -> lwf.restore(replay.model(), 0, replay.states()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the state is of the strategies [replay], this trainer has [lwf] (lwf)");
    }
}
