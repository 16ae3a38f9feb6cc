package dev.mnemo.ingest.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mnemo.ingest.IngestException;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Streams a dataset into a Kafka topic (normally {@code samples.raw}) as {@link Sample} records.
 *
 * <p>For each stream position k of an {@link StreamOrder.OrderedStream}, the sample at index
 * {@code i = indices[k]} is sent with key = value id = {@code <data.name()>-<i>} (for example
 * {@code fashion-mnist-train-17}, that is {@code <dataset>-<split>-<index>}), source = the
 * configured source (default: the data name), task = the task id at k as a string, event time =
 * the injected clock at send time (also the Kafka timestamp), values and shape from the data.
 * The value is Avro single-object encoded ({@link MnemoSerdes#sample()}) with the values packed
 * by {@link SampleFeatures#pack} (one byte per pixel for images scaled to [0, 1], else 4-byte
 * floats), or, in {@link Format#JSON} mode, one JSON object per record in the form ingest accepts
 * (a plain {@code features} array).
 *
 * <p>Unlabelled samples: exactly {@code round(fraction * n)} of the n positions are sent without
 * label; which ones is drawn by a partial Fisher-Yates shuffle of the positions with
 * {@code new Random(seed)}, so the same options give the same stream. A rate limit paces sending
 * so that position k is sent no earlier than {@code k / rate} seconds after the first; it waits
 * on the injected clock, so combine it with a clock that ticks.
 *
 * <p>Sending is asynchronous; {@link #send} flushes before it returns and throws an
 * {@link IngestException} if any record failed. Not thread-safe: one send at a time.
 *
 * <pre>{@code
 * LabelledData train = Datasets.fashionMnist().train();
 * var order = StreamOrder.classIncremental(train, 2, 10_000, 7L);
 * try (var producer = DatasetProducer.connect(Map.of("bootstrap.servers", "localhost:9092"),
 *         DatasetProducer.Options.to("mnemo.samples.raw").withUnlabelled(0.3, 7L))) {
 *     DatasetProducer.Result r = producer.send(train, order, DatasetProducer.Progress.NONE);
 *     // r = Result[sent=10000, labelled=7000, unlabelled=3000]
 * }
 * }</pre>
 */
public final class DatasetProducer implements AutoCloseable {

    /** How values are encoded. */
    public enum Format {
        /** Avro single-object encoding of {@link Sample}. */
        AVRO,
        /** One UTF-8 JSON object per record: {@code {"id":..,"source":..,"eventTime":..,"task":..,"shape":[..],"features":[..],"label":..}}. */
        JSON
    }

    /**
     * What and how to send.
     *
     * @param topic               the topic to write to
     * @param source              the source written into each sample, or null for the data name
     * @param unlabelledFraction  fraction of samples sent without label, in [0, 1]
     * @param seed                seed of the choice of unlabelled samples
     * @param format              value encoding
     * @param maxRecordsPerSecond rate limit; 0 for none
     * @param progressEvery       the progress callback runs every this many records (and at the end)
     */
    public record Options(String topic, String source, double unlabelledFraction, long seed, Format format,
                          double maxRecordsPerSecond, int progressEvery) {

        /**
         * @throws IllegalArgumentException when a value is out of its range
         */
        public Options {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(format, "format");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("topic must not be blank");
            }
            if (source != null && source.isBlank()) {
                throw new IllegalArgumentException("source must not be blank (use null for the data name)");
            }
            if (!(unlabelledFraction >= 0 && unlabelledFraction <= 1)) {
                throw new IllegalArgumentException("unlabelledFraction must be in [0, 1], got " + unlabelledFraction);
            }
            if (!(maxRecordsPerSecond >= 0) || Double.isInfinite(maxRecordsPerSecond)) {
                throw new IllegalArgumentException("maxRecordsPerSecond must be >= 0 and finite (0 = no limit), got "
                        + maxRecordsPerSecond);
            }
            if (progressEvery < 1) {
                throw new IllegalArgumentException("progressEvery must be >= 1, got " + progressEvery);
            }
        }

        /** All samples labelled, Avro, no rate limit, progress every 1,000 records. */
        public static Options to(String topic) {
            return new Options(topic, null, 0.0, 0L, Format.AVRO, 0.0, 1000);
        }

        public Options withSource(String newSource) {
            return new Options(topic, newSource, unlabelledFraction, seed, format, maxRecordsPerSecond, progressEvery);
        }

        /** Sends {@code round(fraction * n)} samples without label, chosen with the seed. */
        public Options withUnlabelled(double fraction, long newSeed) {
            return new Options(topic, source, fraction, newSeed, format, maxRecordsPerSecond, progressEvery);
        }

        public Options withFormat(Format newFormat) {
            return new Options(topic, source, unlabelledFraction, seed, newFormat, maxRecordsPerSecond, progressEvery);
        }

        /** At most this many records per second; 0 for no limit. */
        public Options withMaxRate(double recordsPerSecond) {
            return new Options(topic, source, unlabelledFraction, seed, format, recordsPerSecond, progressEvery);
        }

        public Options withProgressEvery(int records) {
            return new Options(topic, source, unlabelledFraction, seed, format, maxRecordsPerSecond, records);
        }
    }

    /**
     * What one {@link #send} delivered; {@code sent = labelled + unlabelled}.
     */
    public record Result(long sent, long labelled, long unlabelled) {

        public Result {
            if (sent != labelled + unlabelled) {
                throw new IllegalArgumentException("sent (" + sent + ") must equal labelled (" + labelled
                        + ") + unlabelled (" + unlabelled + ")");
            }
        }
    }

    /** Told how far a send has got; runs on the sending thread. */
    @FunctionalInterface
    public interface Progress {

        /** A callback that does nothing. */
        Progress NONE = (sent, total) -> { };

        /**
         * @param sent  records handed to the producer so far
         * @param total records this send will hand over
         */
        void update(long sent, long total);
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Producer<String, byte[]> producer;
    private final Options options;
    private final Clock clock;
    private final boolean owned;

    /** Sends through a producer the caller owns (and closes), stamping the system clock. */
    public DatasetProducer(Producer<String, byte[]> producer, Options options) {
        this(producer, options, Clock.systemUTC());
    }

    /** Sends through a producer the caller owns (and closes), stamping event times from the clock. */
    public DatasetProducer(Producer<String, byte[]> producer, Options options, Clock clock) {
        this(producer, options, clock, false);
    }

    private DatasetProducer(Producer<String, byte[]> producer, Options options, Clock clock, boolean owned) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owned = owned;
    }

    /**
     * Creates its own producer (string keys, byte values, {@code acks=all}, 5 ms linger) from a
     * client configuration; {@link #close()} closes it.
     *
     * @param clientConfig at least {@code bootstrap.servers}; entries here win over the defaults
     */
    public static DatasetProducer connect(Map<String, Object> clientConfig, Options options) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putAll(clientConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new DatasetProducer(new KafkaProducer<>(config), options, Clock.systemUTC(), true);
    }

    public Options options() {
        return options;
    }

    /** Sends every sample in dataset order, without task tags. */
    public Result send(LabelledData data) {
        return send(data, StreamOrder.inOrder(data), false, Progress.NONE);
    }

    /** Sends the samples in stream order, tagged with their task ids. */
    public Result send(LabelledData data, StreamOrder.OrderedStream order) {
        return send(data, order, true, Progress.NONE);
    }

    /**
     * Sends the samples in stream order, tagged with their task ids, and reports progress.
     *
     * @throws IllegalArgumentException when the order refers to an index outside the data
     * @throws IngestException          when a record could not be delivered
     */
    public Result send(LabelledData data, StreamOrder.OrderedStream order, Progress progress) {
        return send(data, order, true, progress);
    }

    private Result send(LabelledData data, StreamOrder.OrderedStream order, boolean tagTasks, Progress progress) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(progress, "progress");
        int total = order.size();
        for (int index : order.indices()) {
            if (index < 0 || index >= data.size()) {
                throw new IllegalArgumentException("the order refers to index " + index + " but " + data.name()
                        + " has " + data.size() + " samples");
            }
        }
        boolean[] unlabelled = chooseUnlabelled(total, options.unlabelledFraction(), options.seed());
        String source = options.source() == null ? data.name() : options.source();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong failed = new AtomicLong();
        long labelledCount = 0;
        long unlabelledCount = 0;
        long start = clock.millis();
        for (int k = 0; k < total; k++) {
            if (failure.get() != null) {
                break;
            }
            pace(start, k);
            int index = order.indices()[k];
            String task = tagTasks ? Integer.toString(order.taskIds()[k]) : null;
            long eventTime = clock.millis();
            Sample sample = sample(data, index, source, task, !unlabelled[k], eventTime);
            byte[] value = options.format() == Format.AVRO ? MnemoSerdes.sample().encode(sample) : json(sample);
            try {
                producer.send(new ProducerRecord<>(options.topic(), null, eventTime, sample.getId(), value),
                        (meta, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                                failure.compareAndSet(null, error);
                            }
                        });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                failure.compareAndSet(null, e);
                break;
            }
            if (unlabelled[k]) {
                unlabelledCount++;
            } else {
                labelledCount++;
            }
            long sent = k + 1L;
            if (sent % options.progressEvery() == 0 && sent < total) {
                progress.update(sent, total);
            }
        }
        producer.flush();
        Exception error = failure.get();
        if (error != null) {
            Throwable cause = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
            throw new IngestException(failed.get() + " of " + total + " records to " + options.topic()
                    + " could not be delivered: " + cause.getMessage(), cause);
        }
        progress.update(labelledCount + unlabelledCount, total);
        return new Result(labelledCount + unlabelledCount, labelledCount, unlabelledCount);
    }

    /**
     * The sample this producer sends for one index of a dataset.
     *
     * @param task      task tag, or null
     * @param labelled  whether to include the label
     * @param eventTime event time in epoch milliseconds
     */
    public static Sample sample(LabelledData data, int index, String source, String task, boolean labelled,
                                long eventTime) {
        float[] row = data.feature(index);
        List<Integer> shape = new java.util.ArrayList<>(data.shape().length);
        for (int d : data.shape()) {
            shape.add(d);
        }
        return Sample.newBuilder()
                .setId(data.name() + "-" + index)
                .setSource(source)
                .setEventTime(java.time.Instant.ofEpochMilli(eventTime))
                .setFeatures(List.of())
                .setPacked(SampleFeatures.pack(row))
                .setShape(shape)
                .setLabel(labelled ? data.label(index) : null)
                .setTask(task)
                .build();
    }

    /** The JSON form of a sample, as {@link Format#JSON} sends it (UTF-8, one line). */
    public static byte[] json(Sample sample) {
        float[] values = SampleFeatures.of(sample);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * values.length + 128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", sample.getId());
            g.writeStringField("source", sample.getSource());
            g.writeNumberField("eventTime", sample.getEventTime().toEpochMilli());
            if (sample.getTask() != null) {
                g.writeStringField("task", sample.getTask());
            }
            if (!sample.getShape().isEmpty()) {
                g.writeArrayFieldStart("shape");
                for (int d : sample.getShape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
            }
            g.writeArrayFieldStart("features");
            for (float v : values) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            if (sample.getLabel() != null) {
                g.writeNumberField("label", sample.getLabel());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON for sample " + sample.getId(), e);
        }
        return out.toByteArray();
    }

    /** Exactly round(fraction * n) positions set, chosen by a seeded partial Fisher-Yates shuffle. */
    static boolean[] chooseUnlabelled(int n, double fraction, long seed) {
        boolean[] chosen = new boolean[n];
        int k = (int) Math.round(fraction * n);
        if (k == 0) {
            return chosen;
        }
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        Random random = new Random(seed);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = positions[i];
            positions[i] = positions[j];
            positions[j] = tmp;
            chosen[positions[i]] = true;
        }
        return chosen;
    }

    private void pace(long startMillis, int position) {
        double rate = options.maxRecordsPerSecond();
        if (rate <= 0 || position == 0) {
            return;
        }
        long due = startMillis + (long) Math.floor(position * 1000.0 / rate);
        long wait = due - clock.millis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestException("interrupted while pacing the send to " + options.topic(), e);
            }
        }
    }

    /** Closes the producer when {@link #connect} created it; a caller-owned producer stays open. */
    @Override
    public void close() {
        if (owned) {
            producer.close();
        }
    }
}
