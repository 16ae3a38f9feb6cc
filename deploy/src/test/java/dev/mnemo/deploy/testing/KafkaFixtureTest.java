package dev.mnemo.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fixture's choices and names, without a broker. */
class KafkaFixtureTest {

    private final KafkaFixture fixture = new KafkaFixture(BrokerKind.EMBEDDED, "localhost:1", () -> { });

    @Test
    void dockerDecidesWhenNothingIsRequested() {
        assertThat(BrokerKind.choose(null, () -> true)).isEqualTo(BrokerKind.TESTCONTAINERS);
        assertThat(BrokerKind.choose(" ", () -> false)).isEqualTo(BrokerKind.EMBEDDED);
    }

    @Test
    void aRequestedKindWinsWithoutAskingDocker() {
        AtomicInteger asked = new AtomicInteger();

        assertThat(BrokerKind.choose("embedded", () -> asked.incrementAndGet() > 0)).isEqualTo(BrokerKind.EMBEDDED);
        assertThat(BrokerKind.choose(" TestContainers ", () -> asked.incrementAndGet() > 0))
                .isEqualTo(BrokerKind.TESTCONTAINERS);
        assertThat(asked).hasValue(0);
    }

    @Test
    void anUnknownKindIsRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> BrokerKind.choose("docker", () -> true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MNEMO_TEST_KAFKA must be one of testcontainers, embedded (or unset for automatic), "
                        + "was 'docker'");
    }

    @Test
    void prefixesAreTopicSafeAndNeverRepeat() {
        assertThat(fixture.uniquePrefix("IngestIT.routes labelled()")).isEqualTo("it.IngestIT-routes-labelled.1.");
        assertThat(fixture.uniquePrefix("IngestIT.routes labelled()")).isEqualTo("it.IngestIT-routes-labelled.2.");
        assertThat(fixture.uniquePrefix("__")).isEqualTo("it.test.3.");
        assertThat(fixture.uniquePrefix("x".repeat(300))).isEqualTo("it." + "x".repeat(80) + ".4.");
    }

    @Test
    void aBlankTestNameIsRefused() {
        assertThatThrownBy(() -> fixture.uniquePrefix(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-blank test name");
    }

    @Test
    void clientConfigIsANewMutableMapEachTime() {
        Map<String, Object> first = fixture.clientConfig();
        first.put("acks", "all");

        assertThat(fixture.clientConfig()).containsExactly(Map.entry("bootstrap.servers", "localhost:1"));
        assertThat(fixture.kind()).isEqualTo("embedded");
    }

    @Test
    void createTopicsChecksItsArgumentsBeforeCallingKafka() {
        assertThatThrownBy(() -> fixture.createTopics(0, "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> fixture.createTopics(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("names must hold at least one topic name");
        assertThatThrownBy(() -> fixture.createTopics(1, "a", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
