package dev.mnemo.ingest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Kafka client settings for the ingest commands: the bootstrap servers plus the security settings
 * found in the environment, under the same variable names as the learner's ({@code KAFKA_} then the
 * client property in upper case with {@code _} for {@code .}).
 *
 * <p>Taken: {@code KAFKA_SECURITY_PROTOCOL}, and every {@code KAFKA_SASL_*} and {@code KAFKA_SSL_*}.
 * For SASL_SSL with SCRAM, for example:
 * <pre>
 * KAFKA_SECURITY_PROTOCOL=SASL_SSL
 * KAFKA_SASL_MECHANISM=SCRAM-SHA-512
 * KAFKA_SASL_JAAS_CONFIG='org.apache.kafka.common.security.scram.ScramLoginModule required username="ingest" password="...";'
 * KAFKA_SSL_TRUSTSTORE_LOCATION=/etc/mnemo/truststore.p12
 * KAFKA_SSL_TRUSTSTORE_PASSWORD=...
 * </pre>
 */
public final class KafkaSecurity {

    private KafkaSecurity() {
    }

    /**
     * The client settings: {@code bootstrap.servers} and the security settings of {@code env}.
     *
     * @param bootstrap the bootstrap servers
     * @param env the environment, for example {@code System.getenv()}
     */
    public static Map<String, Object> clientConfig(String bootstrap, Map<String, String> env) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Map<String, Object> config = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.equals("KAFKA_SECURITY_PROTOCOL") || name.startsWith("KAFKA_SASL_") || name.startsWith("KAFKA_SSL_")) {
                config.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        config.put("bootstrap.servers", bootstrap);
        return config;
    }

    /** The settings of {@link #clientConfig} with secrets masked, for logs. */
    public static Map<String, Object> forLog(Map<String, Object> config) {
        Map<String, Object> out = new java.util.TreeMap<>();
        config.forEach((k, v) -> out.put(k, k.contains("password") || k.contains("jaas") ? "***" : v));
        return out;
    }
}
