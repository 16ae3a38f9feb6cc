package dev.mnemo.deploy.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka in a Docker container. The only class of the fixture that touches Testcontainers, so that
 * modules without Testcontainers on their test class path can still use the embedded broker:
 * {@link KafkaFixture} checks that Testcontainers is there before it calls anything here.
 */
final class ContainerKafka implements AutoCloseable {

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    /** Whether a Docker engine answers. Takes about half a second when none does. */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts a container from {@code image} and waits until Kafka in it is ready. */
    static ContainerKafka start(String image) {
        KafkaContainer container = new KafkaContainer(image);
        try {
            container.start();
            return new ContainerKafka(container);
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
