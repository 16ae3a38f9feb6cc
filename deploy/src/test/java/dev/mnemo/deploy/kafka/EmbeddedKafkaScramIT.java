package dev.mnemo.deploy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * The SASL/SCRAM listener: its users authenticate, a wrong password is refused, and a second
 * broker in the same JVM (after one without SASL and one with other users) has its own users.
 */
class EmbeddedKafkaScramIT {

    @Test
    void usersAuthenticateOnEachBrokerAndWrongPasswordsAreRefused() throws Exception {
        try (EmbeddedKafka plain = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults())) {
            assertThat(nodes(Map.of("bootstrap.servers", plain.bootstrapServers()))).isEqualTo(1);
        }
        for (String user : new String[] {"alice", "bob"}) {
            try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withScramUser(user, user + "-pw"))) {
                assertThat(nodes(kafka.scramClientConfig(user, user + "-pw"))).isEqualTo(1);
                assertThatThrownBy(() -> nodes(kafka.scramClientConfig(user, "wrong")))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static int nodes(Map<String, Object> config) throws Exception {
        try (Admin admin = Admin.create(config)) {
            return admin.describeCluster().nodes().get(20, TimeUnit.SECONDS).size();
        }
    }
}
