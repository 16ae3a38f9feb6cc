/**
 * The replay buffer: sampling policies, compact storage, persistence and restore.
 *
 * <p>This module depends on neither a deep-learning library nor Kafka, so the buffer can be
 * tested, benchmarked and persisted on its own. Its implementation arrives with the replay
 * strategy and the crash-safe learner state; see the module README.
 */
package dev.mnemo.replay;
