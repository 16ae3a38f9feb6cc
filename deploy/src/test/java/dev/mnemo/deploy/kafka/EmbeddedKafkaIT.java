package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real broker: records go in and come out, and survive a restart on the same data directory. */
class EmbeddedKafkaIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaIT.class);

    @Test
    void producesAndConsumesAThousandRecords() throws Exception {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults())) {
            LOG.info("Broker ready in {} ms", kafka.startupTime().toMillis());
            dataDir = kafka.dataDir();
            assertThat(kafka.port()).isBetween(1, 65_535);
            assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + kafka.port());
            assertThat(dataDir.resolve("meta.properties")).isRegularFile();

            createTopic(kafka, "records", 3);
            List<RecordMetadata> acks = KafkaClients.produce(kafka.bootstrapServers(), "records", 1_000);
            List<ConsumerRecord<String, String>> records =
                    KafkaClients.consume(kafka.bootstrapServers(), "records", "reader", 1_000);

            assertThat(acks).hasSize(1_000).allMatch(RecordMetadata::hasOffset);
            assertThat(acks.stream().map(RecordMetadata::partition).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder(0, 1, 2);
            assertThat(records).hasSize(1_000);
            assertThat(records.stream().map(ConsumerRecord::value).collect(Collectors.toSet()))
                    .isEqualTo(IntStream.range(0, 1_000).mapToObj(i -> "value-" + i).collect(Collectors.toSet()));
            assertThat(records).allMatch(r -> r.value().equals("value-" + r.key().substring("key-".length())));
        }
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsClusterTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("kafka");
        EmbeddedKafkaOptions options = EmbeddedKafkaOptions.defaults().withDataDir(dataDir);
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(options)) {
            createTopic(kafka, "kept", 1);
            KafkaClients.produce(kafka.bootstrapServers(), "kept", 100);
            clusterId = clusterId(kafka);
        }
        assertThat(dataDir.resolve("meta.properties")).isRegularFile();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(options)) {
            LOG.info("Broker restarted on existing data in {} ms", kafka.startupTime().toMillis());
            assertThat(clusterId(kafka)).isEqualTo(clusterId);
            List<ConsumerRecord<String, String>> records =
                    KafkaClients.consume(kafka.bootstrapServers(), "kept", "after-restart", 100);

            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList());
            assertThat(records).extracting(ConsumerRecord::offset)
                    .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> (long) i).toList());
        }
        assertThat(dataDir).isDirectory();
    }

    @Test
    void honoursAFixedPortAndOverrides() throws Exception {
        int port = LoopbackPorts.free();
        EmbeddedKafkaOptions options = EmbeddedKafkaOptions.defaults()
                .withPort(port)
                .withOverride("num.partitions", "4");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(options)) {
            assertThat(kafka.port()).isEqualTo(port);
            assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);

            try (Admin admin = admin(kafka)) {
                admin.createTopics(List.of(new NewTopic("default-partitions", Optional.empty(), Optional.empty())))
                        .all().get();
                TopicDescription topic = admin.describeTopics(Set.of("default-partitions"))
                        .allTopicNames().get().get("default-partitions");
                assertThat(topic.partitions()).hasSize(4);
            }
            kafka.close();
            kafka.close();
            assertThat(LoopbackPorts.inUse(port)).isFalse();
        }
    }

    private static void createTopic(EmbeddedKafka kafka, String name, int partitions) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static String clusterId(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.describeCluster().clusterId().get();
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
