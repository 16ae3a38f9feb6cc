package dev.mnemo.learner.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The learner's configuration, under the {@code mnemo.} prefix. Kafka client settings live under
 * {@code kafka.} (for example {@code kafka.bootstrap.servers}) and are passed to every client.
 */
@ConfigMapping(prefix = "mnemo")
public interface MnemoConfig {

    /** Topic names and how missing topics are created. */
    TopicsConfig topics();

    /** The network trained by the learner. */
    ModelConfig model();

    /** The consume-predict-train loop. */
    LearnerConfig learner();

    /** The continual-learning strategy. */
    StrategyConfig strategy();

    /** Crash-safe checkpoints of the learner state. */
    CheckpointConfig checkpoint();

    /** Drift detection, the OOD and uncertainty checks, alerts and label requests. */
    DriftConfig drift();

    /** See {@link dev.mnemo.learner.watch.WatchConfig} for what each setting does. */
    interface DriftConfig {
        /** Whether the learner watches for drift. */
        @WithDefault("true")
        boolean enabled();

        /** Samples before the detectors are armed, at the start and after each alert (the hysteresis). */
        @WithDefault("1000")
        int warmup();

        /** Samples whose novelty scores set the novelty threshold when the detectors are armed. */
        @WithDefault("500")
        int calibration();

        /** Quantile of in-distribution scores above which a sample counts as novel. */
        @WithDefault("0.95")
        double noveltyQuantile();

        /** ADWIN confidence of the error-rate detector. */
        @WithDefault("0.0001")
        double errorDelta();

        /** ADWIN confidence of the novelty-rate detector. */
        @WithDefault("0.0001")
        double noveltyDelta();

        /** Samples after a drift event that the checks read. */
        @WithDefault("200")
        int afterWindow();

        /** Samples before a drift event that the checks read as the in-distribution reference. */
        @WithDefault("500")
        int beforeWindow();

        /** Samples left out between the reference window and the event. */
        @WithDefault("300")
        int detectionGap();

        /** AUROC of the after window's OOD scores against the before window's that makes the verdict novel-inputs. */
        @WithDefault("0.75")
        double novelAuroc();

        /** Rise of the error rate on in-distribution inputs that makes the verdict concept-change. */
        @WithDefault("0.2")
        double errorMargin();

        /** Rise of the mean MC-dropout predictive entropy (nats) that makes the verdict uncertain. */
        @WithDefault("0.3")
        double entropyMargin();

        /** Significance of the Kolmogorov-Smirnov test on the OOD scores. */
        @WithDefault("0.01")
        double alpha();

        /** MC-dropout passes of the uncertainty check. */
        @WithDefault("20")
        int mcPasses();

        /** Samples sent to label.requests per alert, at most. */
        @WithDefault("20")
        int labelRequestBudget();
    }

    /** Access to the read-only endpoints (the admin API always needs the role admin). */
    SecurityConfig security();

    /** The alert list shown to operators ({@link AlertBook}). */
    AlertsConfig alerts();

    interface SecurityConfig {
        /**
         * Policy of the read-only endpoints (dashboard, status, alerts, events, versions, predict,
         * metrics, OpenAPI): {@code permit} leaves them open, {@code authenticated} asks for any known
         * user. Applied through {@code quarkus.http.auth.permission.read-only.policy}.
         */
        @WithDefault("permit")
        String readPolicy();
    }

    interface AlertsConfig {
        /** Alerts kept, open and acknowledged; the oldest acknowledged ones are forgotten first. */
        @WithDefault("500")
        int capacity();
    }

    interface CheckpointConfig {
        /**
         * Directory of the checkpoints (model, replay buffer, strategy state, consumed offsets).
         * {@code data/checkpoints}, relative to the working directory, in application.properties:
         * state is durable by default, so a restarted learner resumes its model and buffer instead
         * of starting over. Give each learner replica its own directory (a volume per replica).
         * Empty ({@code MNEMO_CHECKPOINT_DIR=}) turns checkpoints off, and the loop then commits
         * offsets after every batch and starts from a new model at every start.
         */
        Optional<java.nio.file.Path> dir();

        /** Batches between checkpoints. */
        @WithDefault("50")
        int everyBatches();

        /** The longest time between checkpoints while records arrive. */
        @WithDefault("30s")
        Duration interval();

        /** Checkpoints kept; older ones are deleted. */
        @WithDefault("3")
        int keep();
    }

    interface StrategyConfig {
        /** fine-tune, lwf, replay or lwf+replay. */
        @WithDefault("fine-tune")
        String name();

        /** Replayed samples appended to each training step. */
        @WithDefault("64")
        int replaySize();

        /** Samples the replay buffer holds. */
        @WithDefault("1000")
        int bufferCapacity();

        /** reservoir or class-balanced. */
        @WithDefault("class-balanced")
        String bufferPolicy();

        /** Store replayed samples as uint8 (4x smaller; inputs must lie in [0, 1]) instead of float32. */
        @WithDefault("false")
        boolean bufferUint8();

        /**
         * plain: one cross-entropy over every class for all rows; asymmetric: the stream rows'
         * cross-entropy runs over the classes of their own batch only, the replayed rows' over every
         * class (ER-ACE). asymmetric keeps old classes better (new ones no longer push them down)
         * but learns new classes more slowly: choose it when tasks last thousands of samples and
         * old ones must be kept.
         */
        @WithDefault("plain")
        String replayLoss();

        /** LwF distillation temperature. */
        @WithDefault("2.0")
        double temperature();

        /**
         * old: LwF's distillation softmax runs over the teacher's classes only; seen: also over the
         * seen classes that compete with them, with a target of 0 (class-incremental LwF as van de
         * Ven and Tolias run it). seen holds new classes back: with the few steps per task of a live
         * stream they are not learnt at all, so keep old unless many epochs are trained per task.
         */
        @WithDefault("old")
        String lwfScope();

        /** LwF distillation weight. */
        @WithDefault("0.5")
        double lambda();

        /** Seed of the buffer and of replay draws. */
        @WithDefault("7")
        long seed();

        /** End a task for the strategy when labelled samples of a new task tag arrive. */
        @WithDefault("true")
        boolean taskBoundariesFromTags();
    }

    interface TopicsConfig {
        /** Prefix of every topic name, so several installations can share a cluster. */
        @WithDefault("mnemo.")
        String prefix();

        /** Create missing topics at start-up. */
        @WithDefault("true")
        boolean create();

        /** Partitions of topics the learner creates; learner replicas scale up to this number. */
        @WithDefault("3")
        int partitions();

        /** Replication factor of topics the learner creates (1 on a single broker, 3 in production). */
        @WithDefault("1")
        short replication();
    }

    interface ModelConfig {
        /** Model name stamped on predictions and versions. */
        @WithDefault("default")
        String name();

        /** Number of input features; samples of another length go to the dead-letter topic. */
        @WithDefault("784")
        int inputs();

        /** Number of classes; labels must be in [0, classes). */
        @WithDefault("10")
        int classes();

        /** Widths of the hidden layers of the MLP, input side first. */
        @WithDefault("256,128")
        List<Integer> hidden();

        /** Adam learning rate. */
        @WithDefault("0.001")
        double learningRate();

        /** Probability of keeping a hidden unit under dropout; 1.0 turns dropout off. */
        @WithDefault("1.0")
        double dropoutKeep();

        /** Seed of the weight initialisation. */
        @WithDefault("42")
        long seed();

        /**
         * Train dense networks without dropout with the hand-written dense step (the same numbers as
         * Deeplearning4j's {@code fit} to float tolerance, in about half the time); false sends every
         * step through {@code fit}. Also read as the JVM system property of the same name by tools
         * outside the service.
         */
        @WithDefault("true")
        boolean denseStep();
    }

    interface LearnerConfig {
        /** Run the loop; turn off to serve only the REST API. */
        @WithDefault("true")
        boolean enabled();

        /** Consumer group shared by learner replicas. */
        @WithDefault("mnemo-learner")
        String groupId();

        /** The most records taken in one batch. */
        @WithDefault("512")
        int maxPollRecords();

        /** Labelled samples per gradient step; a batch is split into steps of this size. */
        @WithDefault("64")
        int trainBatchSize();

        /**
         * Training steps run on a throwaway copy of the configured trainer, on random inputs, before
         * the loop starts, so that the JIT has compiled the training path before the first sample
         * (about a second for the default model); 0 turns it off.
         */
        @WithDefault("100")
        int warmUpSteps();

        /** Labelled samples in the sliding prequential-accuracy window. */
        @WithDefault("1000")
        int accuracyWindow();

        /** How long one poll waits for records. */
        @WithDefault("200ms")
        Duration pollTimeout();

        /** How often the model copy that serves REST predictions is refreshed. */
        @WithDefault("1s")
        Duration servingRefresh();

        /** How often consumer lag is measured. */
        @WithDefault("2s")
        Duration lagInterval();

        /**
         * Predictions of unlabelled samples remembered so that a label arriving later is scored
         * against the prediction made at arrival; the oldest are forgotten first.
         */
        @WithDefault("100000")
        int pendingPredictions();
    }
}
