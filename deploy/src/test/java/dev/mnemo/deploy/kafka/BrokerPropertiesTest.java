package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

    private static final Path DATA = Path.of("/var/lib/mnemo/kafka");

    @Test
    void describesOneNodeThatIsBrokerAndController() {
        Properties props = BrokerProperties.of(19092, 19093, DATA, Map.of());

        assertThat(props).containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:19092")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("log.dirs", DATA.toString());
    }

    @Test
    void usesSingleNodeDefaults() {
        Properties props = BrokerProperties.of(19092, 19093, DATA, Map.of());

        assertThat(props).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("log.cleaner.dedupe.buffer.size", "2097152")
                .containsEntry("num.partitions", "1")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("broker.session.timeout.ms", "3000")
                .containsEntry("broker.heartbeat.interval.ms", "1000");
    }

    @Test
    void overridesReplaceDefaultsAndTheNodeIdFollowsIntoTheQuorum() {
        Properties props = BrokerProperties.of(19092, 19093, DATA,
                Map.of("num.partitions", "4", "node.id", "7", "log.retention.ms", "60000"));

        assertThat(props).containsEntry("num.partitions", "4")
                .containsEntry("log.retention.ms", "60000")
                .containsEntry("controller.quorum.voters", "7@127.0.0.1:19093");
    }

    @Test
    void kafkaAcceptsTheConfiguration() {
        KafkaConfig config = KafkaConfig.fromProps(BrokerProperties.of(19092, 19093, DATA, Map.of()), false);

        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.metadataLogDir()).isEqualTo(DATA.toString());
        assertThat(config.logCleanerDedupeBufferSize()).isEqualTo(2_097_152L);
        assertThat(config.autoCreateTopicsEnable()).isFalse();
    }

    @Test
    void aSaslPortAddsAScramListenerBesidePlaintext() {
        Properties props = BrokerProperties.of(19092, 19093, 19094, DATA, Map.of());

        assertThat(props).containsEntry("listeners",
                        "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,SASL://127.0.0.1:19094")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:19092,SASL://localhost:19094")
                .containsEntry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT")
                .containsEntry("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT");
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        assertThat(config.effectiveListenerSecurityProtocolMap().apply(new org.apache.kafka.common.network.ListenerName("SASL")))
                .isEqualTo(org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT);
    }
}
