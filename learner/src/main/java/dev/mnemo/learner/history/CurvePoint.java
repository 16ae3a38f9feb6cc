package dev.mnemo.learner.history;

/**
 * Prequential accuracy of a lane at one point of the replay.
 *
 * @param position       scored (labelled, not held-out) samples so far
 * @param timestamp      record timestamp of the last of them (epoch ms)
 * @param accuracy       cumulative prequential accuracy
 * @param windowAccuracy accuracy over the last {@code window} scored samples
 */
public record CurvePoint(long position, long timestamp, double accuracy, double windowAccuracy) {
}
