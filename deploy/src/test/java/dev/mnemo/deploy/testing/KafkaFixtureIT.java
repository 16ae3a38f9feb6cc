package dev.mnemo.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The shared broker works, and tests that share it do not see each other's topics. */
class KafkaFixtureIT {

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void isOneBrokerPerJvmOfTheChosenKind() {
        assertThat(KafkaFixture.shared()).isSameAs(kafka);
        assertThat(kafka.kind()).isIn("embedded", "testcontainers");
        String forced = System.getProperty(KafkaFixture.KIND_SETTING, System.getenv(KafkaFixture.KIND_SETTING));
        if (forced != null && !forced.isBlank()) {
            assertThat(kafka.kind()).isEqualTo(forced.trim().toLowerCase());
        }
        assertThat(kafka.bootstrapServers()).isNotBlank();
        assertThat(kafka.clientConfig()).containsEntry("bootstrap.servers", kafka.bootstrapServers());
    }

    @Test
    void createsTopicsWithTheirPartitionsReady(TestInfo test) throws Exception {
        String prefix = kafka.uniquePrefix(test.getDisplayName());
        kafka.createTopics(3, prefix + "a", prefix + "b");

        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(Set.of(prefix + "a", prefix + "b")).allTopicNames().get();
            assertThat(topics).hasSize(2);
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions())
                    .hasSize(3)
                    .allSatisfy(partition -> assertThat(partition.leader()).isNotNull()));
        }
        assertThatThrownBy(() -> kafka.createTopics(1, prefix + "a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(prefix + "a");
    }

    @Test
    void testsWithTheSameTopicNameAreIsolatedByTheirPrefixes(TestInfo test) throws Exception {
        String first = kafka.uniquePrefix(test.getDisplayName());
        String second = kafka.uniquePrefix(test.getDisplayName());
        assertThat(first).isNotEqualTo(second).startsWith("it.");
        kafka.createTopics(1, first + "samples.raw", second + "samples.raw");

        send(first + "samples.raw", "only-in-first");
        send(second + "samples.raw", "only-in-second");

        assertThat(readAll(first + "samples.raw", 1)).containsExactly("only-in-first");
        assertThat(readAll(second + "samples.raw", 1)).containsExactly("only-in-second");
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            assertThat(admin.listTopics().names().get())
                    .filteredOn(name -> name.startsWith(first))
                    .containsExactly(first + "samples.raw");
        }
    }

    private void send(String topic, String value) throws Exception {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value, value)).get();
        }
    }

    /** Reads until {@code expected} records arrived, then one more poll to catch any that should not be there. */
    private List<String> readAll(String topic, int expected) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, topic + ".reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
