package dev.mnemo.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Mnemo's topics when they are missing; existing topics are left as they are.
 *
 * <p>The {@code models} topic is compacted (one latest version per model survives); every other
 * topic uses the broker's retention. Partition counts set the unit of parallelism: ingest instances
 * and learner replicas scale up to the number of partitions of their input topics.
 *
 * <pre>{@code
 * TopicAdmin.ensure(Map.of("bootstrap.servers", "localhost:9092"),
 *         Topics.defaults().all(), 3, (short) 1);
 * }</pre>
 */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /**
     * Waits until every partition of the new topics is served by its leader. A topic whose creation
     * returned may still refuse writes for a moment (its leader knows the metadata before it has
     * created the partition), and an idempotent producer whose first batch is refused that way can
     * then have every later batch rejected as out of order. Listing a partition's latest offset is
     * answered by the leader's replica itself, so once it succeeds for every partition, writes are
     * accepted.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (var d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                    for (var p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            throw new IllegalStateException(d.name() + "-" + p.partition() + " has no leader yet");
                        }
                        latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | IllegalStateException e) {
                last = e;
                Thread.sleep(20);
            }
        }
        throw new TimeoutException("the partitions of " + topics + " are not served after 30 s: " + last);
    }

    /**
     * Creates each topic that does not exist yet and waits until their partitions have leaders.
     *
     * @param clientConfig Kafka admin client configuration (at least {@code bootstrap.servers})
     * @param names        full topic names
     * @param partitions   partitions of each new topic, at least 1
     * @param replication  replication factor of each new topic, at least 1
     * @return the names of the topics this call created
     * @throws IllegalArgumentException when partitions or replication is below 1
     * @throws IllegalStateException    when the cluster cannot be reached within 30 seconds
     */
    public static List<String> ensure(Map<String, Object> clientConfig, Collection<String> names,
                                      int partitions, short replication) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication must be >= 1, got " + replication);
        }
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (!existing.contains(name)) {
                    NewTopic topic = new NewTopic(name, partitions, replication);
                    if (name.endsWith("." + Topics.MODELS) || name.equals(Topics.MODELS)) {
                        topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    missing.add(topic);
                }
            }
            List<String> created = new ArrayList<>();
            if (missing.isEmpty()) {
                return created;
            }
            var results = admin.createTopics(missing).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, created);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + clientConfig.get("bootstrap.servers")
                    + " to create topics: " + e, e);
        }
    }
}
