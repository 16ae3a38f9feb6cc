package dev.mnemo.learner.strategy;

import java.util.Map;

/**
 * The run-time parameters of one {@link ContinualStrategy}: values that are safe to change while
 * learning, each with its range. A strategy exposes its own typed record ({@link Lwf.Settings},
 * {@link Replay.Settings}); the initial values come from the strategy's construction, that is from
 * configuration ({@link StrategySpec}, filled from {@code MnemoConfig}).
 *
 * <p>Why by name as well as typed: an operator changes them through one admin call, and
 * {@link ContinualTrainer#changeSettings} must find the strategy that owns a parameter without
 * naming any strategy. Parameter names are unique within a trainer.
 *
 * <pre>{@code
 * Lwf.Settings s = new Lwf.Settings(0.5);
 * s.values();                               // {lwfLambda=0.5}
 * s.with(Map.of("lwfLambda", "0.25"));      // Settings[lambda=0.25]
 * s.with(Map.of("lwfLambda", "2"));         // IllegalArgumentException: lwfLambda must be in [0, 1], got 2.0
 * }</pre>
 */
public interface StrategySettings {

    /** No run-time parameter. */
    StrategySettings NONE = new None();

    /** Every parameter by name, with its current value as text. */
    Map<String, String> values();

    /**
     * These settings with the given parameters changed; the others keep their values.
     *
     * @param changes new values as text, by parameter name; every name is one of {@link #values()}
     * @throws IllegalArgumentException naming the parameter and its range when a value does not
     *                                  parse or is out of range, or when a name is not a parameter
     */
    StrategySettings with(Map<String, String> changes);

    /**
     * The new text of the one parameter {@code name} of a single-parameter strategy, or null when
     * {@code changes} leaves it as it is.
     *
     * @param owner the strategy, for the message
     * @throws IllegalArgumentException when {@code changes} names another parameter
     */
    static String single(Map<String, String> changes, String name, String owner) {
        for (String key : changes.keySet()) {
            if (!name.equals(key)) {
                throw new IllegalArgumentException(owner + "'s run-time parameter is " + name + ", got " + key);
            }
        }
        return changes.get(name);
    }

    /** The settings of a strategy without run-time parameters. */
    record None() implements StrategySettings {
        @Override
        public Map<String, String> values() {
            return Map.of();
        }

        @Override
        public StrategySettings with(Map<String, String> changes) {
            if (!changes.isEmpty()) {
                throw new IllegalArgumentException("no run-time parameter, got " + changes.keySet());
            }
            return this;
        }
    }
}
