/**
 * Historical replay: evaluates strategy configurations side by side on a range of retained Kafka
 * topics, without touching the production learner ({@code ./mnemo replay}).
 *
 * <p>{@link dev.mnemo.learner.history.RangeReader} reads a
 * {@link dev.mnemo.learner.history.ReplayRange} by plain partition assignment (no consumer group,
 * no commit, no produce) in event-time order; {@link dev.mnemo.learner.history.HistoricalReplay}
 * feeds the same blocks to one lane per {@link dev.mnemo.learner.strategy.StrategySpec}
 * (test-then-train, ADWIN on each error stream, a holdout by id hash or time, the accuracy matrix);
 * {@link dev.mnemo.learner.history.ReplayJson} and {@link dev.mnemo.learner.history.HtmlReport}
 * write the reports; {@link dev.mnemo.learner.history.ReplayMain} is the command line.
 *
 * <p>Plain Java with kafka-clients and XChart: no Quarkus, and no Deeplearning4j type (the models
 * are {@link dev.mnemo.learner.model.Classifier}s), so it runs from a main class on the learner's
 * packaged class path.
 */
package dev.mnemo.learner.history;
