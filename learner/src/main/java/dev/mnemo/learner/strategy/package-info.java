/**
 * Continual-learning strategies: a fixed training loop ({@link dev.mnemo.learner.strategy.ContinualTrainer})
 * with a few typed hooks, and small plug-ins ({@link dev.mnemo.learner.strategy.ContinualStrategy})
 * that compose: fine-tuning, Learning without Forgetting, experience replay, joint training.
 * Scenarios ({@link dev.mnemo.learner.strategy.Scenario}) say how tasks restrict the label space.
 *
 * <p>Plain Java: no Quarkus, no Kafka, and no Deeplearning4j types; the maths lives in
 * {@code dev.mnemo.learner.model} ({@link dev.mnemo.learner.model.DistillationLoss},
 * {@link dev.mnemo.learner.model.Classifier}) and the memory in {@code dev.mnemo.replay}.
 */
package dev.mnemo.learner.strategy;
