/**
 * Compact sample storage: {@link dev.mnemo.replay.storage.SampleFormat} (features per sample and
 * {@link dev.mnemo.replay.storage.Encoding}), the slot array {@link dev.mnemo.replay.storage.SampleStore},
 * and the half-precision conversion {@link dev.mnemo.replay.storage.HalfFloat}. No sampling policy here.
 */
package dev.mnemo.replay.storage;
