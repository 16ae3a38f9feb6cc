package dev.mnemo.learner.strategy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.learner.model.TrainingStepBench;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Step throughput of {@link ContinualTrainer} configurations on a 784-400-400-10 network: fine-tuning
 * (stream batch only), replay (stream + replay batch), LwF + replay (stream + replay batch, teacher
 * forward on both), with the {@code Nd4j.gemm} reference of {@link TrainingStepBench}. Random
 * values: the timing depends only on shapes.
 *
 * <p>FLOPs per step: {@code 6 * rows * MACs} for the training step plus {@code 2 * rows * MACs}
 * for the teacher forward pass, where rows = stream + replay samples. On a shared machine the
 * configurations and the gemm reference are measured in interleaved rounds and the best round of
 * each is reported (the least disturbed one).
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp <test classpath> dev.mnemo.learner.strategy.ContinualStepBench [seconds] [stream] [replay]
 * }</pre>
 */
public final class ContinualStepBench {

    private ContinualStepBench() {}

    /**
     * Runs the benchmark; arguments: seconds per configuration (default 10), stream batch, replay
     * batch, rounds (3), hidden widths (400,400; 1000,1000 is the Permuted-MNIST protocol's).
     */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int stream = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int replay = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        List<Integer> hidden = args.length > 4
                ? java.util.Arrays.stream(args[4].split(",")).map(String::trim).map(Integer::valueOf).toList()
                : List.of(400, 400);
        MlpSpec spec = new MlpSpec(784, hidden, 10, 1e-3, 1.0, 42L);
        long macs = spec.multiplyAddsPerSample();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;

        Batch[] pool = new Batch[16];
        SplittableRandom random = new SplittableRandom(1L);
        for (int k = 0; k < pool.length; k++) {
            float[][] x = new float[stream][784];
            int[] y = new int[stream];
            for (int i = 0; i < stream; i++) {
                for (int j = 0; j < 784; j++) {
                    x[i][j] = (float) random.nextDouble();
                }
                y[i] = random.nextInt(10);
            }
            pool[k] = Batch.labelled(x, y, 0);
        }
        String[] names = {"fine-tuning", "replay", "lwf+replay"};
        int[] replays = {0, replay, replay};
        boolean[] teachers = {false, false, true};
        List<Supplier<List<ContinualStrategy>>> configs =
                List.of(
                        List::of,
                        () -> List.of(new Replay(new ListBuffer(4096, new SplittableRandom(2L)), replay, 3L)),
                        () -> List.of(
                                new Lwf(), new Replay(new ListBuffer(4096, new SplittableRandom(2L)), replay, 3L)));
        ContinualTrainer[] trainers = new ContinualTrainer[names.length];
        for (int c = 0; c < names.length; c++) {
            trainers[c] =
                    new ContinualTrainer(
                            Classifier.create(spec, OutputHead.LOGITS), new ClassIncremental(), configs.get(c).get());
            // Fill the buffer, take the teacher, warm up.
            for (int k = 0; k < 40; k++) {
                trainers[c].step(pool[k % pool.length]);
            }
            trainers[c].taskBoundary();
            run(trainers[c], pool, 2.0);
        }
        double gemm = 0;
        double[] bestStepSeconds = new double[names.length];
        java.util.Arrays.fill(bestStepSeconds, Double.POSITIVE_INFINITY);
        for (int r = 0; r < rounds; r++) {
            gemm = Math.max(gemm, TrainingStepBench.sgemmFlopsPerSecond(0.5, 2));
            for (int c = 0; c < names.length; c++) {
                long[] counted = run(trainers[c], pool, seconds);
                bestStepSeconds[c] = Math.min(bestStepSeconds[c], counted[1] / 1e9 / counted[0]);
            }
        }
        System.out.printf(Locale.ROOT,
                "OMP_NUM_THREADS=%s; network 784-%s-10, %d parameters; sgemm %.1f GFLOP/s (best of %d)%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                hidden.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("-")),
                spec.parameterCount(), gemm / 1e9, rounds);
        for (int c = 0; c < names.length; c++) {
            double step = bestStepSeconds[c];
            int rows = stream + replays[c];
            double flops = (6.0 + (teachers[c] ? 2.0 : 0.0)) * rows * macs / step;
            System.out.printf(Locale.ROOT,
                    "%-12s stream %d + replay %d: %8.0f stream samples/s, %6.2f ms/step, %5.1f GFLOP/s, %4.1f%% of sgemm%n",
                    names[c], stream, replays[c], stream / step, 1e3 * step, flops / 1e9, 100 * flops / gemm);
        }
    }

    /** Returns {steps, nanoseconds}. */
    private static long[] run(ContinualTrainer trainer, Batch[] pool, double seconds) {
        long steps = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            trainer.step(pool[(int) (steps % pool.length)]);
            steps++;
            now = System.nanoTime();
        } while (now < deadline);
        return new long[] {steps, now - start};
    }
}
