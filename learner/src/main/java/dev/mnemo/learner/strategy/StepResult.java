package dev.mnemo.learner.strategy;

/**
 * What one {@link ContinualTrainer#step} did.
 *
 * @param trained false when the composed batch had nothing to learn from (no label and no soft
 *     targets), in which case no parameter changed
 * @param loss the minibatch loss before the step ({@code NaN} when not trained)
 * @param streamSize samples that came from the stream
 * @param trainedSize samples in the composed training batch (stream plus, for example, replay)
 * @param distilled whether soft targets were part of the loss
 * @param version the model's {@link dev.mnemo.learner.model.Classifier#version()} after the step
 */
public record StepResult(
        boolean trained, double loss, int streamSize, int trainedSize, boolean distilled, long version) {}
