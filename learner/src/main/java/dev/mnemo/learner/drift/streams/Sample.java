package dev.mnemo.learner.drift.streams;

/**
 * One labelled sample of a synthetic stream.
 *
 * @param x the features; the array belongs to the sample and is not shared by the generator
 * @param y the class label, from 0
 */
public record Sample(double[] x, int y) {
}
