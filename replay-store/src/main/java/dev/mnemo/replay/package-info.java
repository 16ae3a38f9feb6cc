/**
 * The replay buffer: sampling policies, compact storage, persistence and restore.
 *
 * <p>{@link dev.mnemo.replay.ReplayBuffer} is the contract the learner uses. The policies are
 * {@link dev.mnemo.replay.ReservoirBuffer}, {@link dev.mnemo.replay.ClassBalancedBuffer} and
 * {@link dev.mnemo.replay.TaskQuotaBuffer}; all three are {@link dev.mnemo.replay.CompactReplayBuffer}s,
 * which add resizing, {@link dev.mnemo.replay.ReplayStats statistics} and
 * {@link dev.mnemo.replay.ReplaySnapshots snapshots}. Storage and encodings live in
 * {@code dev.mnemo.replay.storage}.
 *
 * <p>This module depends on neither a deep-learning library nor Kafka, so the buffer can be
 * tested, benchmarked and persisted on its own.
 */
package dev.mnemo.replay;
