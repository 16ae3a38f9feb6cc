package dev.mnemo.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void defaults() {
        IngestConfig c = IngestConfig.defaults();
        assertThat(c.features()).isEqualTo(784);
        assertThat(c.classes()).isEqualTo(10);
        assertThat(c.maxRecordBytes()).isEqualTo(262_144);
        assertThat(c.applicationId()).isEqualTo("mnemo-ingest");
        assertThat(c.topics().samplesRaw()).isEqualTo("mnemo.samples.raw");
        assertThat(IngestTopology.topics(c.withPrefix("x-")))
                .containsExactly("x-samples.raw", "x-labels", "x-samples.labelled", "x-samples.unlabelled",
                        "x-samples.dlq");
        assertThat(c.guarantee()).isEqualTo(IngestConfig.Guarantee.EXACTLY_ONCE_V2);
        assertThat(c.dedupWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(c.labelRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(new IngestConfig(c.topics(), 784, 10, 262_144, "mnemo-ingest")).isEqualTo(c);
    }

    @Test
    void namesTheAllowedRange() {
        assertThatThrownBy(() -> IngestConfig.defaults().withFeatures(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("features must be in [1, 16777216], got 0");
        assertThatThrownBy(() -> IngestConfig.defaults().withClasses(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("classes must be in [2, 1000000], got 1");
        assertThatThrownBy(() -> IngestConfig.defaults().withMaxRecordBytes(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRecordBytes must be in [1024, 67108864], got 100");
        assertThatThrownBy(() -> IngestConfig.defaults().withApplicationId("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("applicationId must be non-empty");
        assertThatThrownBy(() -> IngestConfig.defaults().withDedupWindow(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dedupWindow must be in [1 ms, 365 days], got PT0S");
        assertThatThrownBy(() -> IngestConfig.defaults().withLabelRetention(Duration.ofDays(366)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labelRetention must be in [1 ms, 365 days], got PT8784H");
        assertThatThrownBy(() -> IngestConfig.Guarantee.of("exactly_once"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("guarantee must be exactly_once_v2 or at_least_once, got 'exactly_once'");
    }

    @Test
    void clientConfigWinsExceptForTheApplicationId() {
        var props = IngestTopology.streamsProperties(IngestConfig.defaults(),
                Map.of("bootstrap.servers", "b:1", "application.id", "other", "num.stream.threads", 2), Path.of("/s"));
        assertThat(props.get("application.id")).isEqualTo("mnemo-ingest");
        assertThat(props.get("bootstrap.servers")).isEqualTo("b:1");
        assertThat(props.get("num.stream.threads")).isEqualTo(2);
        assertThat(props.get("state.dir")).isEqualTo("/s");
        assertThat(props.get("processing.guarantee")).isEqualTo("exactly_once_v2");
        assertThat(IngestTopology.streamsProperties(IngestConfig.defaults().withGuarantee(IngestConfig.Guarantee.AT_LEAST_ONCE),
                Map.of(), Path.of("/s")).get("processing.guarantee")).isEqualTo("at_least_once");
        assertThat(IngestTopology.streamsProperties(IngestConfig.defaults(), Map.of("processing.guarantee", "at_least_once"),
                Path.of("/s")).get("processing.guarantee")).as("the client map wins").isEqualTo("at_least_once");
    }

    @Test
    void parsesTheCommandLine() {
        IngestMain.Arguments a = IngestMain.Arguments.parse(new String[] {"--prefix", "p.", "--features=64",
                "--classes", "10", "--partitions", "3", "--state-dir", "/tmp/s", "--application-id", "ing"},
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9"));
        assertThat(a.bootstrap()).isEqualTo("k:9");
        assertThat(a.config().topics().samplesRaw()).isEqualTo("p.samples.raw");
        assertThat(a.config().features()).isEqualTo(64);
        assertThat(a.config().applicationId()).isEqualTo("ing");
        assertThat(a.partitions()).isEqualTo(3);
        assertThat(a.stateDir()).isEqualTo(Path.of("/tmp/s"));
        assertThat(a.config().guarantee()).isEqualTo(IngestConfig.Guarantee.EXACTLY_ONCE_V2);
        IngestMain.Arguments b = IngestMain.Arguments.parse(new String[] {"--guarantee", "at_least_once",
                "--dedup-window", "15m", "--label-retention=PT36H"}, Map.of());
        assertThat(b.config().guarantee()).isEqualTo(IngestConfig.Guarantee.AT_LEAST_ONCE);
        assertThat(b.config().dedupWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(b.config().labelRetention()).isEqualTo(Duration.ofHours(36));
        assertThat(IngestMain.Arguments.parse(new String[] {"--dedup-window", "500ms", "--label-retention", "2d"},
                Map.of()).config().labelRetention()).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> IngestMain.Arguments.parse(new String[] {"--dedup-window", "soon"}, Map.of()))
                .hasMessage("--dedup-window must be a duration such as 500ms, 90s, 15m, 1h, 7d or PT1H, got 'soon'");
        assertThat(IngestMain.Arguments.parse(new String[] {"--bootstrap", "h:1"}, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9"))
                .bootstrap()).isEqualTo("h:1");
        assertThat(IngestMain.Arguments.parse(new String[0], Map.of()).bootstrap()).isEqualTo("localhost:9092");
        assertThatThrownBy(() -> IngestMain.Arguments.parse(new String[] {"--nope", "1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown option --nope");
        assertThatThrownBy(() -> IngestMain.Arguments.parse(new String[] {"--features", "x"}, Map.of()))
                .hasMessage("--features must be an integer, got 'x'");
        assertThatThrownBy(() -> IngestMain.Arguments.parse(new String[] {"--partitions"}, Map.of()))
                .hasMessage("option --partitions needs a value");
    }
}
