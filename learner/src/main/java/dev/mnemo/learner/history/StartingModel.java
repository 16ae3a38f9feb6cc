package dev.mnemo.learner.history;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.ModelVersion;

/**
 * The model every lane of a replay starts from: a fresh one (seeded), the model of a checkpoint
 * (a checkpoint directory or a model file), or a version published on the {@code models} topic,
 * resolved to the checkpoint its {@link ModelVersion} record points to.
 *
 * <p>From a checkpoint, each lane starts from a copy of its parameters and optimiser state; the
 * strategy state (LwF teacher, replay buffer) starts empty, since the lanes may run other
 * strategies than the one that wrote it.
 *
 * <pre>{@code
 * StartingModel.parse("version:12", kafkaConfig, "mnemo.models");
 * StartingModel.parse("checkpoint:/var/lib/mnemo/checkpoints/ckpt-000041", kafkaConfig, "mnemo.models");
 * }</pre>
 *
 * <p>Each lane gets its own {@link #newModel()}, loaded from a private copy of the model file:
 * {@link Classifier#copy()} shares the network's loss-function object (whose temperature and
 * distillation weight are set before every step) between the copies, so two copies must not be
 * trained on two threads.
 *
 * @param kind        fresh, checkpoint or version
 * @param model       the loaded model (logits head), empty when fresh
 * @param source      where it came from (a file URI), or "seeded" for fresh
 * @param version     the model version, -1 when fresh
 * @param file        a private copy of the model file, from which {@link #newModel()} loads; null when fresh
 */
public record StartingModel(String kind, Optional<Classifier> model, String source, long version, Path file) {

    /** A fresh model, seeded by the replay's seed. */
    public static StartingModel fresh() {
        return new StartingModel("fresh", Optional.empty(), "seeded", -1, null);
    }

    /**
     * A new, independent instance of the starting model (parameters, Adam state and version), for
     * one lane; empty when fresh.
     *
     * @throws IllegalStateException if the private copy of the model file cannot be read
     */
    public Optional<Classifier> newModel() {
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Classifier.load(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the starting model back from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A checkpoint directory (as written by the learner) or a model file.
     *
     * @throws IllegalArgumentException naming the path when it does not exist, fails verification or
     *     holds a model without the logits head
     */
    public static StartingModel checkpoint(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no checkpoint at " + path.toAbsolutePath());
        }
        Classifier model;
        Path copy;
        try {
            Path modelFile;
            if (Files.isDirectory(path)) {
                Path dir = path.toAbsolutePath();
                Checkpoint checkpoint = new CheckpointStore(dir.getParent(), 1, Clock.systemUTC()).read(dir);
                model = checkpoint.model();
                modelFile = dir.resolve(CheckpointStore.MODEL);
            } else {
                model = Classifier.load(path);
                modelFile = path;
            }
            // The learner may delete the checkpoint while the replay runs: keep a copy.
            copy = Files.createTempFile("mnemo-replay-start", ".zip");
            copy.toFile().deleteOnExit();
            Files.copy(modelFile, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot load the checkpoint at " + path.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        if (model.head() != OutputHead.LOGITS) {
            throw new IllegalArgumentException("the model at " + path + " has the " + model.head()
                    + " head; a replay trains models with the LOGITS head, as the learner writes them");
        }
        return new StartingModel("checkpoint", Optional.of(model), path.toAbsolutePath().toUri().toString(),
                model.version(), copy);
    }

    /**
     * The newest {@link ModelVersion} record with this version number on the models topic (read
     * from its beginning without a consumer group), loaded from its checkpoint URI.
     *
     * @param modelName the model name, or null for any
     * @throws IllegalArgumentException when no record holds the version or its checkpoint is not a
     *     readable {@code file:} URI
     */
    public static StartingModel version(long version, String modelName, Map<String, Object> kafkaConfig,
                                        String modelsTopic) {
        ModelVersion found = null;
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mnemo-replay-models");
        try (RangeReader reader = RangeReader.open(props, ReplayRange.topics(java.util.List.of(modelsTopic)),
                Duration.ofSeconds(30))) {
            for (ConsumerRecord<byte[], byte[]> r = reader.next(); r != null; r = reader.next()) {
                ModelVersion v;
                try {
                    v = MnemoSerdes.modelVersion().decode(r.value());
                } catch (SerializationException e) {
                    continue;
                }
                if (v.getVersion() == version && (modelName == null || modelName.equals(v.getModelName()))) {
                    found = v;
                }
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no model version " + version
                    + (modelName == null ? "" : " of model '" + modelName + "'") + " on topic " + modelsTopic);
        }
        String uri = found.getCheckpointUri();
        if (uri == null || !uri.startsWith("file:")) {
            throw new IllegalArgumentException("model version " + version + " points to '" + uri
                    + "'; a replay reads file: checkpoint URIs only");
        }
        StartingModel loaded = checkpoint(Path.of(URI.create(uri)));
        return new StartingModel("version", loaded.model(), uri, loaded.version(), loaded.file());
    }

    /**
     * Parses {@code fresh}, {@code checkpoint:<path>} or {@code version:<n>}.
     *
     * @throws IllegalArgumentException naming the value when it is none of these
     */
    public static StartingModel parse(String text, String modelName, Map<String, Object> kafkaConfig,
                                      String modelsTopic) {
        if (text == null || text.equals("fresh")) {
            return fresh();
        }
        if (text.startsWith("checkpoint:")) {
            return checkpoint(Path.of(text.substring("checkpoint:".length())));
        }
        if (text.startsWith("version:")) {
            try {
                return version(Long.parseLong(text.substring("version:".length()).trim()), modelName, kafkaConfig,
                        modelsTopic);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("version:<n> needs a number, got '" + text + "'");
            }
        }
        throw new IllegalArgumentException("--from must be fresh, checkpoint:<path> or version:<n>, got '" + text + "'");
    }
}
