package dev.mnemo.learner.strategy;

import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReplayBatch;
import dev.mnemo.replay.ReplayBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Experience replay: every training step also rehearses a batch of stored past samples.
 *
 * <h2>Method</h2>
 * Before a step, up to {@code replaySize} samples drawn from the buffer are appended to the stream
 * batch; after the step, the labelled stream samples are offered to the buffer, whose policy
 * (reservoir, class-balanced, ...) decides what it keeps. The policy lives in the
 * {@link ReplayBuffer}, not here. Draws use a {@link SplittableRandom} seeded at construction, so a
 * run is reproducible.
 *
 * <pre>{@code
 * new Replay(new ReservoirBuffer(SampleFormat.uint8(784), 10_000, 42L), 128, 7L);  // + up to 128 replayed
 * }</pre>
 *
 * <p><b>Asymmetric loss</b> (optional, ER-ACE): the stream rows' cross-entropy runs only over the
 * classes present in the stream batch, the replayed rows' over every class the scenario allows. In
 * class-incremental learning the stream batch holds only the new task's classes; with one softmax
 * over all classes, its gradient pushes every old class's logit down on new data, and the model
 * drifts towards predicting the newest classes. Masking the old classes out of the stream rows'
 * softmax leaves them to be shaped by the replayed rows alone, where every class competes. The
 * price is plasticity: a new class rises above the old ones only through its own replayed samples,
 * so it is learnt more slowly. Over tasks of thousands of samples that costs little (Split-MNIST
 * online: final accuracy +1.6 points, prequential -1.5); over tasks of a few dozen steps the new
 * classes are barely learnt by the task's end. Off by default.
 *
 * <p>Its {@link #state()} (id {@value #ID}, version 1) keeps the buffer {@code buffer} (which must
 * be a {@link CompactReplayBuffer}) and the property {@code draw-stream}, the model version after
 * the last step, from which a restored strategy re-seeds its draws. Its run-time parameter is
 * {@code replaySize} ({@link Settings}).
 *
 * <h2>References</h2>
 * <ul>
 *   <li>L. Caccia, R. Aljundi, N. Asadi, T. Tuytelaars, J. Pineau and E. Belilovsky, "New Insights
 *       on Reducing Abrupt Representation Change in Online Continual Learning", ICLR 2022
 *       (arXiv:2104.05025): the asymmetric cross-entropy, ER-ACE.</li>
 *   <li>A. Chaudhry, M. Rohrbach, M. Elhoseiny, T. Ajanthan, P. K. Dokania, P. H. S. Torr and
 *       M. Ranzato, "On Tiny Episodic Memories in Continual Learning", arXiv:1902.10486, 2019.</li>
 * </ul>
 */
public final class Replay implements ContinualStrategy {

    /** The {@link #id()}. */
    public static final String ID = "replay";
    private static final int STATE_VERSION = 1;
    private static final String BUFFER = "buffer";
    private static final String DRAW_STREAM = "draw-stream";

    private volatile int replaySize;
    /** The model version after the last step, the draw stream of a restored copy. */
    private long drawStream;
    private final long seed;
    private final boolean asymmetric;
    private ReplayBuffer buffer;
    private SplittableRandom random;

    /**
     * @param buffer the memory; this strategy adds to it and samples from it
     * @param replaySize replayed samples per step, at least 1
     * @param seed seed of the draws
     * @throws IllegalArgumentException if {@code buffer} is null or {@code replaySize < 1}
     */
    public Replay(ReplayBuffer buffer, int replaySize, long seed) {
        this(buffer, replaySize, seed, false);
    }

    /**
     * @param buffer the memory; this strategy adds to it and samples from it
     * @param replaySize replayed samples per step, at least 1
     * @param seed seed of the draws
     * @param asymmetric the stream rows' cross-entropy over the stream batch's classes only (ER-ACE)
     * @throws IllegalArgumentException if {@code buffer} is null or {@code replaySize < 1}
     */
    public Replay(ReplayBuffer buffer, int replaySize, long seed, boolean asymmetric) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer must be non-null");
        }
        if (replaySize < 1) {
            throw new IllegalArgumentException("replaySize must be >= 1, got " + replaySize);
        }
        this.buffer = buffer;
        this.replaySize = replaySize;
        this.seed = seed;
        this.asymmetric = asymmetric;
        this.random = new SplittableRandom(seed);
    }

    /** Whether the stream rows' cross-entropy runs over the stream batch's classes only (ER-ACE). */
    public boolean asymmetric() {
        return asymmetric;
    }

    /**
     * Replaces the buffer with a restored one (from a checkpoint) and re-seeds the draws from the
     * construction seed and {@code drawStream} (for example the model version at the checkpoint), so a
     * restored run draws reproducibly. A {@link SplittableRandom} cannot export its position, so the
     * draws after a restore are not those the original run would have made.
     *
     * @throws IllegalArgumentException if {@code restored} is null or holds rows of another width
     */
    public void restore(ReplayBuffer restored, long drawStream) {
        if (restored == null) {
            throw new IllegalArgumentException("restored buffer must be non-null");
        }
        this.buffer = restored;
        this.drawStream = drawStream;
        this.random = new SplittableRandom(seed ^ (drawStream * 0x9E3779B97F4A7C15L));
    }

    /**
     * The run-time parameters of replay: how many stored samples each step rehearses.
     *
     * @param replaySize {@code replaySize}, at least 1
     */
    public record Settings(int replaySize) implements StrategySettings {

        /** The parameter's name. */
        public static final String REPLAY_SIZE = "replaySize";

        public Settings {
            if (replaySize < 1) {
                throw new IllegalArgumentException(REPLAY_SIZE + " must be >= 1, got " + replaySize);
            }
        }

        @Override
        public Map<String, String> values() {
            return Map.of(REPLAY_SIZE, Integer.toString(replaySize));
        }

        @Override
        public Settings with(Map<String, String> changes) {
            String text = StrategySettings.single(changes, REPLAY_SIZE, "replay");
            if (text == null) {
                return this;
            }
            try {
                return new Settings(Integer.parseInt(text.trim()));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(REPLAY_SIZE + " must be an integer >= 1, got '" + text + "'");
            }
        }
    }

    /** {@value #ID}. */
    @Override
    public String id() {
        return ID;
    }

    @Override
    public Settings settings() {
        return new Settings(replaySize);
    }

    /** Sets {@code replaySize} from the next step on (see {@link #setReplaySize}). */
    @Override
    public void apply(StrategySettings settings) {
        if (!(settings instanceof Settings s)) {
            throw new IllegalArgumentException("replay takes Replay.Settings, got " + settings);
        }
        setReplaySize(s.replaySize());
    }

    /**
     * The buffer (the live one) and the draw stream.
     *
     * @throws IllegalStateException if the buffer is not a {@link CompactReplayBuffer}, which is the
     *                               kind a checkpoint can write
     */
    @Override
    public StrategyState state() {
        if (!(buffer instanceof CompactReplayBuffer compact)) {
            throw new IllegalStateException("the replay buffer " + buffer.getClass().getSimpleName()
                    + " cannot be checkpointed; use a CompactReplayBuffer");
        }
        return StrategyState.of(STATE_VERSION, Map.of(DRAW_STREAM, Long.toString(drawStream)))
                .withBuffer(BUFFER, compact);
    }

    /**
     * Takes the buffer and re-seeds the draws as {@link #restore(ReplayBuffer, long)} does; a state
     * without {@code draw-stream} (written before it was kept) draws from stream 0.
     *
     * @throws IllegalArgumentException if the version is not 1, or the buffer or the draw stream is
     *                                  missing or garbled
     */
    @Override
    public void restore(StrategyState state) {
        if (state == null || state.version() != STATE_VERSION) {
            throw new IllegalArgumentException("replay reads state version " + STATE_VERSION + ", got "
                    + (state == null ? null : state.version()));
        }
        CompactReplayBuffer restored = state.buffer(BUFFER).orElseThrow(
                () -> new IllegalArgumentException("replay state has no buffer '" + BUFFER + "'"));
        String stream = state.property(DRAW_STREAM).orElse("0");
        long draws;
        try {
            draws = Long.parseLong(stream.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DRAW_STREAM + " must be an integer, got '" + stream + "'");
        }
        restore(restored, draws);
    }

    /** Replayed samples appended to each training step. */
    public int replaySize() {
        return replaySize;
    }

    /**
     * Changes the number of replayed samples per step from the next step on (safe at run time: it
     * changes neither the buffer nor the model). Meant to be called by the thread that trains,
     * between steps; the field is volatile so a reader on another thread sees the new value.
     *
     * @throws IllegalArgumentException if {@code replaySize < 1}
     */
    public void setReplaySize(int replaySize) {
        if (replaySize < 1) {
            throw new IllegalArgumentException("replaySize must be >= 1, got " + replaySize);
        }
        this.replaySize = replaySize;
    }

    /** The buffer. */
    public ReplayBuffer buffer() {
        return buffer;
    }

    @Override
    public Batch compose(Batch batch) {
        if (buffer.size() == 0) {
            return batch;
        }
        ReplayBatch drawn = buffer.sample(replaySize, random);
        return batch.concat(new Batch(drawn.features(), drawn.labels(), drawn.tasks()));
    }

    /**
     * With the asymmetric loss, the stream rows keep only the classes labelled in the stream batch
     * (within the scenario's mask); the replayed rows keep the mask they had. Unchanged when nothing
     * was replayed: without memory rows, masking would only stop the stream from pushing down old
     * classes that nothing else holds up either.
     */
    @Override
    public float[][] classMask(Batch stream, Batch composed, float[][] mask, int classes) {
        if (!asymmetric || composed.size() == stream.size()) {
            return mask;
        }
        float[] present = new float[classes];
        boolean any = false;
        for (int label : stream.labels()) {
            if (label != Batch.UNLABELLED && label < classes) {
                present[label] = 1f;
                any = true;
            }
        }
        if (!any) {
            return mask;
        }
        float[][] out = new float[composed.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] row = mask == null ? null : mask[i];
            out[i] = i < stream.size() ? ClassMasks.narrow(present, row, classes) : ClassMasks.orAll(row, classes);
        }
        return out;
    }

    @Override
    public void afterStep(Batch stream, Batch trained, StepResult result) {
        if (result != null) {
            drawStream = result.version();
        }
        for (int i = 0; i < stream.size(); i++) {
            if (stream.labels()[i] != Batch.UNLABELLED) {
                buffer.add(stream.features()[i], stream.labels()[i], stream.tasks()[i]);
            }
        }
    }

    @Override
    public String toString() {
        return "Replay[replaySize=" + replaySize + ", capacity=" + buffer.capacity()
                + (asymmetric ? ", asymmetric" : "") + "]";
    }
}
