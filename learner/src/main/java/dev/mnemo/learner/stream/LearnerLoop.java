package dev.mnemo.learner.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.message.MissingSchemaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.Lwf;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.RecordHeaders;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The learner's consume-predict-train loop (test-then-train).
 *
 * <p>For each batch polled from {@code samples.labelled} and {@code samples.unlabelled}:
 * <ol>
 *   <li>decode and check every record; a record the model cannot take goes to the dead-letter topic
 *       with its reason;</li>
 *   <li>predict every valid sample with the current model and publish one {@link Prediction} each;
 *       labelled samples update the prequential accuracy. A sample whose label came late (ingest
 *       joined it, header {@link RecordHeaders#LABEL_DELAY_MS}) was predicted when it first arrived:
 *       that remembered prediction is scored against the label, and no second prediction is
 *       published (delayed-label prequential evaluation);</li>
 *   <li>train on the labelled samples, {@code trainBatchSize} at a time;</li>
 *   <li>wait until predictions and dead letters are acknowledged, then commit the batch's offsets.</li>
 * </ol>
 * Offsets are committed only after the outputs are durable, so a restart resumes from the first
 * record whose outputs were not all written: nothing is skipped (at-least-once). Every record is
 * accounted for: {@code received == predicted + lateLabelled + rejected}.
 *
 * <p>The loop runs on one thread ({@link #run()}); {@link #status()} and {@link #servingModel()} are
 * safe to call from any thread. Predictions for outside callers are served from a copy of the model
 * refreshed every {@code servingRefresh}, never from the network being trained.
 *
 * <pre>{@code
 * LearnerLoop loop = new LearnerLoop(LearnerLoopConfig.defaults(Topics.defaults()),
 *         StrategySpec.parse("lwf+replay").trainer(MlpSpec.defaults(784, 10)),
 *         Map.of("bootstrap.servers", "localhost:9092"), Clock.systemUTC());
 * new Thread(loop, "mnemo-learner").start();
 * }</pre>
 *
 * <p>References: J. Gama, R. Sebastiao, P. P. Rodrigues, "On evaluating stream learning
 * algorithms", Machine Learning 90(3), 2013 (prequential evaluation).
 */
public final class LearnerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerLoop.class);

    private final LearnerLoopConfig config;
    private final ContinualTrainer trainer;
    private final Classifier model;
    private final boolean distils;
    /** Index of each task tag, in order of first labelled appearance. */
    private final Map<String, Integer> taskIndex = new HashMap<>();
    private final Map<String, Object> kafkaConfig;
    private final Clock clock;
    private final LearnerStats stats;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Predicted class of recent unlabelled samples, by source and id, oldest first. */
    private final Map<String, Integer> firstPredictions;

    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopRequested;
    private volatile LearnerStatus status;
    private volatile Classifier serving;
    private Instant lastServingRefresh = Instant.MIN;
    private Instant lastLagCheck = Instant.MIN;

    public LearnerLoop(LearnerLoopConfig config, ContinualTrainer trainer, Map<String, Object> kafkaConfig, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        this.model = trainer.model();
        this.distils = trainer.strategies().stream().anyMatch(s -> s instanceof Lwf);
        this.kafkaConfig = Map.copyOf(Objects.requireNonNull(kafkaConfig, "kafkaConfig"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = new LearnerStats(clock, config.accuracyWindow(), Duration.ofSeconds(2));
        this.status = LearnerStatus.starting(clock.instant());
        this.serving = model.copy();
        int capacity = config.pendingPredictions();
        this.firstPredictions = new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The latest snapshot of the loop's figures. */
    public LearnerStatus status() {
        return status;
    }

    /** A copy of the model for serving predictions; refreshed by the loop, never trained. */
    public Classifier servingModel() {
        return serving;
    }

    /** Asks the loop to finish its current batch, commit and close. Returns at once. */
    public void stop() {
        stopRequested = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Waits until {@link #run()} has returned; true when it did within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        String state = "STOPPED";
        String error = null;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                     new ByteArraySerializer())) {
            consumer = c;
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer, config.topics().samplesDlq(), clock);
            Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
            c.subscribe(List.of(config.topics().samplesLabelled(), config.topics().samplesUnlabelled()),
                    new CommitOnRevoke(c, pending));
            status = stats.snapshot("RUNNING", model.version(), null);
            LOG.info("Learner consuming {} and {} as group {}", config.topics().samplesLabelled(),
                    config.topics().samplesUnlabelled(), config.groupId());
            while (!stopRequested) {
                ConsumerRecords<String, byte[]> records = c.poll(config.pollTimeout());
                if (!records.isEmpty()) {
                    process(records, producer, deadLetters, pending);
                    producer.flush();
                    c.commitSync(pending);
                    pending.clear();
                }
                housekeeping(c);
                status = stats.snapshot("RUNNING", model.version(), null);
            }
        } catch (WakeupException e) {
            if (!stopRequested) {
                state = "FAILED";
                error = "unexpected wakeup";
            }
        } catch (RuntimeException e) {
            state = "FAILED";
            error = e.toString();
            LOG.error("Learner loop failed", e);
        } finally {
            consumer = null;
            status = stats.snapshot(state, model.version(), error);
            stopped.countDown();
            LOG.info("Learner loop {}", state.toLowerCase());
        }
    }

    private void process(ConsumerRecords<String, byte[]> records, KafkaProducer<String, byte[]> producer,
                         DeadLetterPublisher deadLetters, Map<TopicPartition, OffsetAndMetadata> pending) {
        stats.received(records.count());
        int inputs = model.spec().inputs();
        int classes = model.spec().classes();
        List<Sample> valid = new ArrayList<>(records.count());
        List<Boolean> late = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            pending.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            Sample sample;
            try {
                sample = MnemoSerdes.sample().decode(record.value());
            } catch (SerializationException e) {
                String reason = e.getCause() instanceof MissingSchemaException ? DeadLetters.SCHEMA : DeadLetters.UNDECODABLE;
                reject(deadLetters, record, reason, e.getMessage());
                continue;
            }
            String problem = check(sample, inputs, classes);
            if (problem != null) {
                reject(deadLetters, record, problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
                continue;
            }
            valid.add(sample);
            late.add(sample.getLabel() != null && record.headers().lastHeader(RecordHeaders.LABEL_DELAY_MS) != null);
        }
        if (valid.isEmpty()) {
            return;
        }
        float[][] x = new float[valid.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = toArray(valid.get(i).getFeatures(), inputs);
        }
        long version = model.version();
        int[] tasks = new int[x.length];
        for (int i = 0; i < tasks.length; i++) {
            String tag = valid.get(i).getTask() == null ? "none" : valid.get(i).getTask();
            tasks[i] = taskIndex.getOrDefault(tag, 0);
        }
        Predictions predictions = trainer.predict(x, tasks);
        Instant now = clock.instant();
        int labelledCount = 0;
        for (int i = 0; i < x.length; i++) {
            Sample s = valid.get(i);
            int predicted = predictions.predictedClass()[i];
            String key = s.getSource() + "/" + s.getId();
            if (late.get(i)) {
                Integer first = firstPredictions.remove(key);
                stats.lateLabelled(s.getTask(), s.getLabel(), first != null ? first : predicted, first != null);
            } else {
                producer.send(new ProducerRecord<>(config.topics().predictions(), s.getId(),
                        MnemoSerdes.prediction().encode(prediction(s, predictions.probabilities()[i], predicted, version, now))));
                stats.predicted(s.getTask(), s.getLabel(), predicted);
                if (s.getLabel() == null && config.pendingPredictions() > 0) {
                    firstPredictions.put(key, predicted);
                }
            }
            if (s.getLabel() != null) {
                labelledCount++;
            }
        }
        train(valid, x, labelledCount);
    }

    /**
     * Trains on the batch in order, {@code trainBatchSize} labelled samples per step. Unlabelled
     * samples ride along when a strategy distils (they carry the distillation term only). When task
     * boundaries come from tags, the first labelled sample of a task tag not seen before ends the
     * current task first, so LwF takes its teacher from the model as it was at the end of that task.
     */
    private void train(List<Sample> valid, float[][] x, int labelledCount) {
        if (labelledCount == 0 && !distils) {
            return;
        }
        List<Integer> chunk = new ArrayList<>();
        int chunkLabelled = 0;
        for (int i = 0; i < x.length; i++) {
            Sample s = valid.get(i);
            if (s.getLabel() == null && !distils) {
                continue;
            }
            String tag = s.getTask() == null ? "none" : s.getTask();
            if (s.getLabel() != null && config.taskBoundariesFromTags() && !taskIndex.containsKey(tag)
                    && !taskIndex.isEmpty()) {
                chunkLabelled = step(valid, x, chunk, chunkLabelled);
                trainer.taskBoundary();
                stats.taskBoundary();
                LOG.info("Task boundary: first labelled sample of task '{}' (model version {})", tag, model.version());
            }
            if (s.getLabel() != null) {
                taskIndex.putIfAbsent(tag, taskIndex.size());
                chunkLabelled++;
            }
            chunk.add(i);
            if (chunkLabelled >= config.trainBatchSize()) {
                chunkLabelled = step(valid, x, chunk, chunkLabelled);
            }
        }
        step(valid, x, chunk, chunkLabelled);
    }

    /** One trainer step on the chunk (cleared afterwards); returns 0, the new labelled count. */
    private int step(List<Sample> valid, float[][] x, List<Integer> chunk, int chunkLabelled) {
        if (chunk.isEmpty()) {
            return 0;
        }
        float[][] features = new float[chunk.size()][];
        int[] labels = new int[chunk.size()];
        int[] tasks = new int[chunk.size()];
        for (int k = 0; k < chunk.size(); k++) {
            Sample s = valid.get(chunk.get(k));
            features[k] = x[chunk.get(k)];
            labels[k] = s.getLabel() == null ? Batch.UNLABELLED : s.getLabel();
            tasks[k] = taskIndex.getOrDefault(s.getTask() == null ? "none" : s.getTask(), 0);
        }
        trainer.step(new Batch(features, labels, tasks));
        stats.trained(chunkLabelled);
        chunk.clear();
        return 0;
    }

    private Prediction prediction(Sample s, float[] probabilities, int predicted, long version, Instant now) {
        List<Float> probs = new ArrayList<>(probabilities.length);
        for (float p : probabilities) {
            probs.add(p);
        }
        return Prediction.newBuilder()
                .setSampleId(s.getId())
                .setSource(s.getSource())
                .setEventTime(s.getEventTime())
                .setPredictedAt(now)
                .setModelName(config.modelName())
                .setModelVersion(version)
                .setPredictedClass(predicted)
                .setProbabilities(probs)
                .setLabel(s.getLabel())
                .setTask(s.getTask())
                .build();
    }

    private void reject(DeadLetterPublisher deadLetters, ConsumerRecord<String, byte[]> record, String reason, String detail) {
        deadLetters.reject(record, reason, detail);
        long n = stats.rejected(reason);
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("Rejected record {}-{}@{} ({} so far for '{}'): {}", record.topic(), record.partition(),
                    record.offset(), n, reason, detail);
        }
    }

    /**
     * Checks that the model can take the sample. Ingest validates too; the learner checks again
     * because it may read topics written by other producers, and a bad record must never stop it.
     *
     * @return null when the sample is usable, else {@code "<reason>: <detail>"}
     */
    static String check(Sample s, int inputs, int classes) {
        if (s.getId() == null || s.getId().isBlank()) {
            return DeadLetters.MISSING_ID + ": the sample has no id";
        }
        List<Float> features = s.getFeatures();
        if (features.size() != inputs) {
            return DeadLetters.DIMENSION + ": sample " + s.getId() + " has " + features.size()
                    + " features, the model takes " + inputs;
        }
        for (int i = 0; i < features.size(); i++) {
            float f = features.get(i);
            if (!Float.isFinite(f)) {
                return DeadLetters.NON_FINITE + ": sample " + s.getId() + " feature " + i + " is " + f;
            }
        }
        Integer label = s.getLabel();
        if (label != null && (label < 0 || label >= classes)) {
            return DeadLetters.LABEL_RANGE + ": sample " + s.getId() + " label " + label + " is outside [0, "
                    + classes + ")";
        }
        return null;
    }

    private static float[] toArray(List<Float> values, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private void housekeeping(KafkaConsumer<String, byte[]> c) {
        Instant now = clock.instant();
        if (Duration.between(lastServingRefresh, now).compareTo(config.servingRefresh()) >= 0
                && serving.version() != model.version()) {
            serving = model.copy();
            lastServingRefresh = now;
        }
        if (Duration.between(lastLagCheck, now).compareTo(config.lagInterval()) >= 0) {
            long lag = 0;
            boolean known = !c.assignment().isEmpty();
            for (TopicPartition tp : c.assignment()) {
                var partitionLag = c.currentLag(tp);
                if (partitionLag.isPresent()) {
                    lag += partitionLag.getAsLong();
                } else {
                    known = false;
                }
            }
            if (known) {
                stats.lag(lag);
            }
            lastLagCheck = now;
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mnemo-learner-" + config.groupId());
        return props;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "mnemo-learner-out-" + config.groupId());
        return props;
    }

    /** Commits what was processed before a rebalance takes partitions away. */
    private static final class CommitOnRevoke implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<TopicPartition, OffsetAndMetadata> pending;

        CommitOnRevoke(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> pending) {
            this.consumer = consumer;
            this.pending = pending;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Batches are committed as soon as they are processed, so pending is empty between polls;
            // this guards the window in which a rebalance interrupts a commit.
            if (!pending.isEmpty()) {
                consumer.commitSync(pending);
                pending.clear();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("Learner assigned {}", partitions);
        }
    }
}
