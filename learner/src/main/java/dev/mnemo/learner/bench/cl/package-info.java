/**
 * The continual-learning benchmark ({@code ./mnemo bench cl}): Split-MNIST and Permuted-MNIST, and
 * the same on Fashion-MNIST, in the task-, domain- and class-incremental scenarios, for each
 * strategy and seed, trained with the learner's own {@link dev.mnemo.learner.strategy.ContinualTrainer}
 * and strategy classes. Plain Java and Deeplearning4j: no Quarkus, no Kafka.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019 (the protocol and the published numbers).</li>
 *   <li>D. Lopez-Paz and M. Ranzato, "Gradient Episodic Memory for Continual Learning", NeurIPS
 *       2017 (the accuracy matrix, ACC, BWT, FWT).</li>
 * </ul>
 */
package dev.mnemo.learner.bench.cl;
