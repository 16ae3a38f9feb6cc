package dev.mnemo.learner.service;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.AdminEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Records every admin action as an {@link AdminEvent} on the {@code admin.events} topic (keyed by
 * the action's target), with the same Kafka client settings as the loop ({@code kafka.*}, security
 * included). Each call waits for the broker's acknowledgement (at most 10 s), so a caller knows
 * whether its action is on the audit trail; a failure is logged and reported, never thrown.
 */
@ApplicationScoped
public class AdminEvents {

    private static final Logger LOG = Logger.getLogger(AdminEvents.class);

    private final Map<String, Object> kafka;
    private final String topic;
    private final String learner;
    private final Clock clock = Clock.systemUTC();
    private KafkaProducer<String, byte[]> producer;

    @Inject
    public AdminEvents(MnemoConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = Map.copyOf(kafka);
        this.topic = dev.mnemo.schemas.Topics.withPrefix(config.topics().prefix()).adminEvents();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        this.learner = config.learner().groupId() + "@" + host;
    }

    /** The topic events go to. */
    public String topic() {
        return topic;
    }

    /**
     * Publishes one event and waits for it to be written.
     *
     * @param who the authenticated principal
     * @param action for example {@code alert.acknowledge}
     * @param target what it applied to
     * @param details parameters and results
     * @param outcome {@code ok}, or the error returned to the caller
     * @return the event when the broker acknowledged it, else null (the failure is logged)
     */
    public AdminEvent publish(String who, String action, String target, Map<String, String> details, String outcome) {
        AdminEvent event = AdminEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setWho(who)
                .setAction(action)
                .setTarget(target)
                .setDetails(new HashMap<>(details))
                .setOutcome(outcome)
                .setLearner(learner)
                .setTimestamp(clock.instant())
                .build();
        try {
            producer().send(new ProducerRecord<>(topic, target, MnemoSerdes.adminEvent().encode(event)))
                    .get(10, TimeUnit.SECONDS);
            LOG.infof("Admin action %s on %s by %s: %s %s", action, target, who, outcome, details);
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.errorf("Admin action %s on %s by %s not recorded: interrupted", action, target, who);
            return null;
        } catch (Exception e) {
            LOG.errorf("Admin action %s on %s by %s (%s) not recorded on %s: %s", action, target, who, outcome, topic,
                    e.toString());
            return null;
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
            props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
            props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "mnemo-learner-admin");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }
}
