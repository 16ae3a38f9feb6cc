package dev.mnemo.learner.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.AdminEvent;
import dev.mnemo.schemas.v1.DriftAlert;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Fills the {@link AlertBook} from Kafka: every {@link DriftAlert} on the {@code alerts} topic (so
 * the dashboard of every replica shows the alerts raised by any of them), and every successful
 * {@code alert.acknowledge} {@link AdminEvent} on {@code admin.events} (so acknowledgements survive
 * a restart and reach every replica). Both topics are read from their beginning, with plain
 * partition assignment and no consumer group; each as soon as it exists, and partitions found in a
 * later lookup (every {@code REFRESH}) are added; an acknowledgement read before its alert is kept
 * (at most {@value #PENDING_ACKS}) and applied when the alert arrives. Records that cannot be
 * decoded are logged and skipped. Runs while the learner loop is enabled.
 */
@ApplicationScoped
public class AlertFeed {

    private static final Logger LOG = Logger.getLogger(AlertFeed.class);

    /** How often the feed looks for partitions it does not read yet. */
    static final Duration REFRESH = Duration.ofSeconds(10);
    private static final Duration WAIT_FOR_TOPICS = Duration.ofSeconds(1);

    /** Acknowledgements of alerts not read yet, kept until their alert arrives. */
    static final int PENDING_ACKS = 10_000;

    private final AlertBook book;
    private final Map<String, Object> kafka;
    private final String alertsTopic;
    private final String adminTopic;
    private final boolean enabled;
    private final Map<String, AdminEvent> pendingAcks = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AdminEvent> eldest) {
            return size() > PENDING_ACKS;
        }
    };
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopRequested;

    @Inject
    public AlertFeed(AlertBook book, MnemoConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.book = book;
        this.kafka = Map.copyOf(kafka);
        Topics topics = Topics.withPrefix(config.topics().prefix());
        this.alertsTopic = topics.alerts();
        this.adminTopic = topics.adminEvents();
        this.enabled = config.learner().enabled();
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        Thread t = new Thread(this::run, "mnemo-alert-feed");
        t.setDaemon(true);
        t.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopRequested = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void run() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mnemo-alert-feed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            Set<TopicPartition> assigned = new HashSet<>();
            long nextRefresh = System.nanoTime();
            while (!stopRequested) {
                if (System.nanoTime() - nextRefresh >= 0) {
                    List<TopicPartition> added = new ArrayList<>();
                    for (TopicPartition p : partitionsOf(c)) {
                        if (assigned.add(p)) {
                            added.add(p);
                        }
                    }
                    if (!added.isEmpty()) {
                        // Partitions kept from the previous assignment keep their positions.
                        c.assign(new ArrayList<>(assigned));
                        c.seekToBeginning(added);
                    }
                    nextRefresh = System.nanoTime() + (assigned.isEmpty() ? WAIT_FOR_TOPICS : REFRESH).toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(WAIT_FOR_TOPICS.toMillis());
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    accept(r);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopRequested) {
                LOG.warnf("Alert feed stopped: %s", e.toString());
            }
        } finally {
            consumer = null;
        }
    }

    /**
     * The partitions of both topics that exist now. Each topic is read as soon as it exists, and
     * the set is looked up again every {@link #REFRESH}, so partitions that a first lookup did not
     * list (a topic created while the feed started, partitions added later) are read too, from
     * their beginning.
     */
    private List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : List.of(alertsTopic, adminTopic)) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null) {
                    infos.forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // No metadata yet (broker starting, unreachable): the next lookup tries again.
                LOG.debugf("No metadata for %s yet: %s", topic, e.getMessage());
            }
        }
        return out;
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(alertsTopic)) {
                DriftAlert alert = MnemoSerdes.driftAlert().decode(r.value());
                book.record(alert);
                AdminEvent ack = pendingAcks.remove(alert.getAlertId());
                if (ack != null) {
                    book.acknowledge(alert.getAlertId(), ack.getWho(), ack.getTimestamp());
                }
            } else {
                AdminEvent event = MnemoSerdes.adminEvent().decode(r.value());
                if ("alert.acknowledge".equals(event.getAction()) && "ok".equals(event.getOutcome())) {
                    if (book.get(event.getTarget()).isPresent()) {
                        book.acknowledge(event.getTarget(), event.getWho(), event.getTimestamp());
                    } else {
                        pendingAcks.put(event.getTarget(), event);
                    }
                }
            }
        } catch (SerializationException | IllegalArgumentException e) {
            LOG.warnf("Skipped record %s-%d@%d of the alert feed: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }
}
