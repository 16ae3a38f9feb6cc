package dev.mnemo.learner.service;

import java.util.Map;

import dev.mnemo.deploy.testing.KafkaFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the learner at the shared test broker (a container when Docker answers, else embedded). */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        KafkaFixture kafka = KafkaFixture.shared();
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "mnemo.topics.prefix", kafka.uniquePrefix("quarkus"),
                "mnemo.model.inputs", "64",
                "mnemo.model.hidden", "32");
    }

    @Override
    public void stop() {
        // the fixture is shared by the JVM and stops with it
    }
}
