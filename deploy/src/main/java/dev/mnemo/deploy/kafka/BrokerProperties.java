package dev.mnemo.deploy.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of a single-node KRaft broker that is its own controller.
 *
 * <p>Replication factors and minimum in-sync replicas are 1 everywhere, because there is one node.
 * Internal topics get one partition so that the first consumer group or transaction does not wait
 * for fifty partitions to be created.
 */
final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The optional SASL_PLAINTEXT client listener (SCRAM). */
    static final String SASL_LISTENER = "SASL";
    static final String ADVERTISED_HOST = "localhost";

    /** The defaults a caller's overrides may replace. */
    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("node.id", String.valueOf(NODE_ID)),
            Map.entry("num.partitions", "1"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("auto.create.topics.enable", "false"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            // The default reserves 128 MiB of heap for the log cleaner, too much for tests and demos.
            Map.entry("log.cleaner.dedupe.buffer.size", "2097152"),
            // On a restart the controller refuses the new broker registration until the previous
            // one's session expires (DUPLICATE_BROKER_REGISTRATION): 9 s with the defaults, 3 s here.
            Map.entry("broker.session.timeout.ms", "3000"),
            Map.entry("broker.heartbeat.interval.ms", "1000"));

    private BrokerProperties() {
    }

    /**
     * The full broker configuration: the defaults, then the overrides, then the keys that wire the
     * node together ({@link EmbeddedKafkaOptions#MANAGED_KEYS}).
     */
    static Properties of(int brokerPort, int controllerPort, Path dataDir, Map<String, String> overrides) {
        return of(brokerPort, controllerPort, 0, dataDir, overrides);
    }

    /**
     * As above, plus a SASL_PLAINTEXT listener on {@code saslPort} that accepts
     * {@value EmbeddedKafkaOptions#SCRAM_MECHANISM} (none when {@code saslPort} is 0). The broker
     * itself keeps talking PLAINTEXT.
     */
    static Properties of(int brokerPort, int controllerPort, int saslPort, Path dataDir, Map<String, String> overrides) {
        Properties props = new Properties();
        props.putAll(DEFAULTS);
        props.putAll(overrides);
        String nodeId = props.getProperty("node.id");
        String host = LoopbackPorts.HOST;
        props.put("process.roles", "broker,controller");
        props.put("controller.quorum.voters", nodeId + "@" + host + ":" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + ADVERTISED_HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        if (saslPort > 0) {
            props.put("listeners", props.get("listeners") + "," + SASL_LISTENER + "://" + host + ":" + saslPort);
            props.put("advertised.listeners", props.get("advertised.listeners") + "," + SASL_LISTENER + "://"
                    + ADVERTISED_HOST + ":" + saslPort);
            props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + ","
                    + SASL_LISTENER + ":SASL_PLAINTEXT");
            String prefix = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + "."
                    + EmbeddedKafkaOptions.SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".";
            props.put("sasl.enabled.mechanisms", EmbeddedKafkaOptions.SCRAM_MECHANISM);
            // Server side of SCRAM: the credentials come from the cluster metadata, not from here.
            props.put(prefix + "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        return props;
    }
}
