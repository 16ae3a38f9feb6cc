package dev.mnemo.learner.service;

import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.stream.LearnerLoopConfig;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.Topics;

/**
 * The learner's domain settings, built from {@link MnemoConfig}, the one place every default lives.
 * The plain-Java defaults that benchmarks and tests use without configuration
 * ({@link WatchConfig#defaults()}, {@link LearnerLoopConfig#defaults}, {@link StrategySpec#parse},
 * {@link MlpSpec#defaults}) are checked against these by {@code LearnerSettingsTest}, so a default
 * changed in one place and not the other fails the build.
 *
 * <pre>{@code
 * WatchConfig watch = LearnerSettings.watch(config.drift());
 * LearnerLoopConfig loop = LearnerSettings.loop(config, Topics.withPrefix(config.topics().prefix()));
 * }</pre>
 */
public final class LearnerSettings {

    private LearnerSettings() {
    }

    /** The drift watch. */
    public static WatchConfig watch(MnemoConfig.DriftConfig d) {
        return new WatchConfig(d.enabled(), d.warmup(), d.calibration(), d.noveltyQuantile(), d.errorDelta(),
                d.noveltyDelta(), d.afterWindow(), d.beforeWindow(), d.detectionGap(), d.novelAuroc(), d.errorMargin(),
                d.entropyMargin(), d.alpha(), d.mcPasses(), d.labelRequestBudget());
    }

    /** The model shape and optimiser. */
    public static MlpSpec model(MnemoConfig.ModelConfig m) {
        return new MlpSpec(m.inputs(), m.hidden(), m.classes(), m.learningRate(), m.dropoutKeep(), m.seed());
    }

    /** The continual-learning strategy. */
    public static StrategySpec strategy(MnemoConfig.StrategyConfig s) {
        return new StrategySpec(s.name(), s.replaySize(), s.bufferCapacity(), s.bufferPolicy(), s.bufferUint8(),
                s.temperature(), s.lambda(), s.seed(), s.replayLoss(), s.lwfScope());
    }

    /** Checkpoints (disabled when no directory is configured). */
    public static LearnerLoopConfig.Checkpoints checkpoints(MnemoConfig.CheckpointConfig c) {
        return new LearnerLoopConfig.Checkpoints(c.dir().orElse(null), c.everyBatches(), c.interval(), c.keep());
    }

    /** The learner loop: consumer, steps, checkpoints and drift watch. */
    public static LearnerLoopConfig loop(MnemoConfig config, Topics topics) {
        MnemoConfig.LearnerConfig l = config.learner();
        return new LearnerLoopConfig(topics, l.groupId(), config.model().name(), l.maxPollRecords(),
                l.trainBatchSize(), l.accuracyWindow(), l.pollTimeout(), l.servingRefresh(), l.lagInterval(),
                l.pendingPredictions(), config.strategy().taskBoundariesFromTags(), checkpoints(config.checkpoint()),
                watch(config.drift()));
    }
}
