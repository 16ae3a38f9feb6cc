package dev.mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.stream.LearnerLoopConfig;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.Topics;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * {@link MnemoConfig} is the one source of defaults: the plain-Java defaults that code running
 * without configuration uses (benchmarks, replay, tests) are exactly what the configuration gives
 * when nothing is set. Reads the mapping with no configuration source at all, so only the
 * {@code @WithDefault} values count.
 */
class LearnerSettingsTest {

    private static final MnemoConfig DEFAULTS = defaults();

    private static MnemoConfig defaults() {
        // Durations such as "30s" are read as the application reads them.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(MnemoConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .build();
        return config.getConfigMapping(MnemoConfig.class);
    }

    @Test
    void theDriftWatchDefaultsAreTheConfigurations() {
        assertThat(WatchConfig.defaults()).isEqualTo(LearnerSettings.watch(DEFAULTS.drift()));
    }

    @Test
    void theModelDefaultsAreTheConfigurations() {
        assertThat(MlpSpec.defaults(DEFAULTS.model().inputs(), DEFAULTS.model().classes()))
                .isEqualTo(LearnerSettings.model(DEFAULTS.model()));
    }

    @Test
    void theStrategyDefaultsAreTheConfigurations() {
        StrategySpec configured = LearnerSettings.strategy(DEFAULTS.strategy());
        assertThat(StrategySpec.parse(configured.name())).isEqualTo(configured);
    }

    @Test
    void theLoopDefaultsAreTheConfigurationsButForTheCheckpointDirectory() {
        Topics topics = Topics.withPrefix(DEFAULTS.topics().prefix());
        LearnerLoopConfig configured = LearnerSettings.loop(DEFAULTS, topics);
        // The directory is the service's choice (data/checkpoints, in application.properties, so that an
        // empty value can turn it off); the cadence and the number kept are defaults like any other.
        LearnerLoopConfig.Checkpoints c = configured.checkpoints();
        assertThat(new LearnerLoopConfig.Checkpoints(null, c.everyBatches(), c.interval(), c.keep()))
                .isEqualTo(LearnerLoopConfig.Checkpoints.disabled());
        assertThat(LearnerLoopConfig.defaults(topics).withCheckpoints(c)).isEqualTo(configured);
    }
}
