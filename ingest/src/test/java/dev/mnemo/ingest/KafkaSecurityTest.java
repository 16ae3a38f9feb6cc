package dev.mnemo.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaSecurityTest {

    @Test
    void securityVariablesBecomeClientPropertiesAndOthersAreIgnored() {
        Map<String, Object> config = KafkaSecurity.clientConfig("kafka:9093", Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "ScramLoginModule required username=\"u\" password=\"p\";",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ts.p12",
                "KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092",
                "HOME", "/root"));

        assertThat(config).containsOnly(
                Map.entry("bootstrap.servers", "kafka:9093"),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"p\";"),
                Map.entry("ssl.truststore.location", "/etc/ts.p12"));
        assertThat(KafkaSecurity.forLog(config)).containsEntry("sasl.jaas.config", "***")
                .containsEntry("security.protocol", "SASL_SSL");
    }
}
