package dev.mnemo.learner.history;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a {@link ReplayRange} of retained Kafka topics once, in event-time order, without a
 * consumer group.
 *
 * <h2>Method</h2>
 * <ol>
 *   <li>Lists the partitions of every topic and keeps the ones asked for.</li>
 *   <li>Resolves each partition's start offset (the largest of its log start, the offset bound and
 *       {@code offsetsForTimes(fromTime)}) and end offset (the smallest of its end offset as it is now,
 *       the offset bound and {@code offsetsForTimes(toTime)}). The end is captured once, so records
 *       written during the replay are not read, and the range is fixed.</li>
 *   <li>{@code assign}s the partitions and seeks each to its start: no {@code group.id}, no
 *       subscription, {@code enable.auto.commit=false}, and no commit of any kind, so no consumer
 *       group (the production learner's or any other) sees this reader.</li>
 *   <li>Merges the partitions by record timestamp (Mnemo's producers and ingest set it to the
 *       sample's event time), ties broken by topic, partition and offset, so the order does not
 *       depend on how polls happen to interleave: a k-way merge that emits a record only while every
 *       unfinished partition has one buffered. A partition far ahead is paused to bound memory.</li>
 * </ol>
 * Records whose timestamp lies outside the time bounds (out-of-order timestamps inside a partition)
 * are skipped and counted. The reader never produces.
 *
 * <pre>{@code
 * try (RangeReader reader = RangeReader.open(Map.of("bootstrap.servers", "localhost:9092"), range)) {
 *     for (ConsumerRecord<byte[], byte[]> r = reader.next(); r != null; r = reader.next()) { ... }
 *     reader.partitions();   // the exact offsets read
 * }
 * }</pre>
 */
public final class RangeReader implements AutoCloseable {

    /** Most records buffered per partition before it is paused. */
    static final int MAX_BUFFERED = 4096;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ReplayRange range;
    private final Duration stallTimeout;
    private final Map<TopicPartition, PartitionState> states = new LinkedHashMap<>();
    private final List<TopicPartition> order;
    private long outsideTime;

    /** What one partition contributes: the resolved bounds and what was actually read. */
    public record PartitionRange(String topic, int partition, long startOffset, long endOffset,
                                 long firstOffsetRead, long lastOffsetRead, long records) {
        /** Offsets in the range (records, control markers and skipped ones alike). */
        public long span() {
            return Math.max(0, endOffset - startOffset);
        }
    }

    private static final class PartitionState {
        final long start;
        final long end;
        final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
        boolean fetched;
        boolean paused;
        long first = -1;
        long last = -1;
        long count;

        PartitionState(long start, long end) {
            this.start = start;
            this.end = end;
            this.fetched = start >= end;
        }

        boolean exhausted() {
            return fetched && buffer.isEmpty();
        }
    }

    private RangeReader(KafkaConsumer<byte[], byte[]> consumer, ReplayRange range, Duration stallTimeout) {
        this.consumer = consumer;
        this.range = range;
        this.stallTimeout = stallTimeout;
        Map<TopicPartition, Integer> topicIndex = new HashMap<>();
        List<TopicPartition> all = new ArrayList<>();
        for (int t = 0; t < range.topics().size(); t++) {
            String topic = range.topics().get(t);
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist or has no partitions");
            }
            for (PartitionInfo info : infos) {
                if (range.partitions().isEmpty() || range.partitions().contains(info.partition())) {
                    TopicPartition tp = new TopicPartition(topic, info.partition());
                    all.add(tp);
                    topicIndex.put(tp, t);
                }
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("none of partitions " + range.partitions() + " exists in " + range.topics());
        }
        all.sort(Comparator.<TopicPartition>comparingInt(topicIndex::get).thenComparingInt(TopicPartition::partition));
        this.order = List.copyOf(all);
        resolve();
    }

    /**
     * Connects and resolves the range. {@code kafkaConfig} needs {@code bootstrap.servers}; a
     * {@code group.id} in it is ignored.
     *
     * @throws IllegalArgumentException if a topic or partition does not exist
     */
    public static RangeReader open(Map<String, Object> kafkaConfig, ReplayRange range) {
        return open(kafkaConfig, range, Duration.ofSeconds(60));
    }

    /** As {@link #open(Map, ReplayRange)}, failing when no record arrives for {@code stallTimeout}. */
    public static RangeReader open(Map<String, Object> kafkaConfig, ReplayRange range, Duration stallTimeout) {
        Objects.requireNonNull(range, "range");
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mnemo-replay");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            return new RangeReader(consumer, range, stallTimeout);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private void resolve() {
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(order, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(order, Duration.ofSeconds(30));
        Map<TopicPartition, OffsetAndTimestamp> fromTimes = range.fromTime() == null ? Map.of()
                : times(range.fromTime());
        Map<TopicPartition, OffsetAndTimestamp> toTimes = range.toTime() == null ? Map.of()
                : times(range.toTime());
        for (TopicPartition tp : order) {
            long end = ends.get(tp);
            long start = beginning.get(tp);
            start = Math.max(start, range.fromOffset(tp.partition()).orElse(0));
            if (range.fromTime() != null) {
                OffsetAndTimestamp at = fromTimes.get(tp);
                start = Math.max(start, at == null ? end : at.offset());
            }
            long stop = Math.min(end, range.toOffset(tp.partition()).orElse(Long.MAX_VALUE));
            if (range.toTime() != null) {
                OffsetAndTimestamp at = toTimes.get(tp);
                if (at != null) {
                    stop = Math.min(stop, at.offset());
                }
            }
            states.put(tp, new PartitionState(start, Math.max(start, stop)));
        }
        consumer.assign(order);
        for (TopicPartition tp : order) {
            consumer.seek(tp, states.get(tp).start);
        }
    }

    private Map<TopicPartition, OffsetAndTimestamp> times(long timestamp) {
        Map<TopicPartition, Long> query = new HashMap<>();
        order.forEach(tp -> query.put(tp, timestamp));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        return found == null ? Map.of() : found;
    }

    /** Offsets in the whole range: an upper bound of the records {@link #next()} returns. */
    public long span() {
        long total = 0;
        for (PartitionState s : states.values()) {
            total += s.end - s.start;
        }
        return total;
    }

    /** Records skipped so far because their timestamp lay outside the time bounds. */
    public long outsideTime() {
        return outsideTime;
    }

    /** Every partition's resolved range and what has been read from it so far. */
    public List<PartitionRange> partitions() {
        List<PartitionRange> out = new ArrayList<>();
        states.forEach((tp, s) -> out.add(new PartitionRange(tp.topic(), tp.partition(), s.start, s.end, s.first, s.last,
                s.count)));
        return out;
    }

    /**
     * The next record of the range in event-time order, or null when the range is read.
     *
     * @throws IllegalStateException when no record arrives for the stall timeout although the range
     *     is not finished (for example, the records were deleted by retention meanwhile)
     */
    public ConsumerRecord<byte[], byte[]> next() {
        while (true) {
            boolean missing = false;
            TopicPartition best = null;
            ConsumerRecord<byte[], byte[]> bestRecord = null;
            for (TopicPartition tp : order) {
                PartitionState s = states.get(tp);
                if (s.exhausted()) {
                    continue;
                }
                ConsumerRecord<byte[], byte[]> head = s.buffer.peekFirst();
                if (head == null) {
                    missing = true;
                    break;
                }
                if (bestRecord == null || head.timestamp() < bestRecord.timestamp()) {
                    best = tp;
                    bestRecord = head;
                }
            }
            if (!missing) {
                if (best == null) {
                    return null;
                }
                PartitionState s = states.get(best);
                s.buffer.pollFirst();
                if (s.first < 0) {
                    s.first = bestRecord.offset();
                }
                s.last = bestRecord.offset();
                s.count++;
                return bestRecord;
            }
            fetch();
        }
    }

    /** Polls until every unfinished partition with an empty buffer has a record or is finished. */
    private void fetch() {
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        while (true) {
            List<TopicPartition> pause = new ArrayList<>();
            List<TopicPartition> resume = new ArrayList<>();
            boolean waiting = false;
            for (TopicPartition tp : order) {
                PartitionState s = states.get(tp);
                boolean shouldPause = s.fetched || s.buffer.size() >= MAX_BUFFERED;
                if (shouldPause != s.paused) {
                    (shouldPause ? pause : resume).add(tp);
                    s.paused = shouldPause;
                }
                if (!s.fetched && s.buffer.isEmpty()) {
                    waiting = true;
                }
            }
            if (!pause.isEmpty()) {
                consumer.pause(pause);
            }
            if (!resume.isEmpty()) {
                consumer.resume(resume);
            }
            if (!waiting) {
                return;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                PartitionState s = states.get(tp);
                if (s == null || r.offset() >= s.end || r.offset() < s.start) {
                    continue;
                }
                if (!range.inTime(r.timestamp())) {
                    outsideTime++;
                    continue;
                }
                s.buffer.addLast(r);
            }
            boolean progressed = false;
            Set<TopicPartition> assigned = consumer.assignment();
            for (TopicPartition tp : assigned) {
                PartitionState s = states.get(tp);
                if (!s.fetched && consumer.position(tp) >= s.end) {
                    s.fetched = true;
                    progressed = true;
                }
                if (!s.buffer.isEmpty()) {
                    progressed = true;
                }
            }
            if (progressed) {
                deadline = System.nanoTime() + stallTimeout.toNanos();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no record arrived for " + stallTimeout + " although the range is not"
                        + " read to its end; partitions: " + partitions());
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
