package dev.mnemo.learner.bench.cl;

import dev.mnemo.learner.eval.AccuracyMatrix;

/**
 * The outcome of one benchmark run (one benchmark, scenario, strategy and seed).
 *
 * @param benchmark         the benchmark name
 * @param scenario          the scenario
 * @param strategy          the strategy name
 * @param variant           the strategy settings that differ from {@link ClOptions#defaults()}, empty for none
 * @param seed              the seed
 * @param iterationsPerTask training steps per task
 * @param matrix            the accuracy matrix R with the untrained model's baseline
 * @param samplesPerSecond  stream samples per second of training-step time (evaluation excluded)
 * @param trainSeconds      time spent in training steps
 * @param wallSeconds       time of the whole run, evaluation included
 */
public record ClRunResult(String benchmark, ClScenario scenario, String strategy, String variant, long seed, int iterationsPerTask,
                          AccuracyMatrix matrix, double samplesPerSecond, double trainSeconds, double wallSeconds) {}
