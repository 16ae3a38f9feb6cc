package dev.mnemo.ingest.produce;

import java.io.IOException;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The send loop of the produce command: reads entries from a {@link RecordSource}, hands the good
 * ones to a {@link Sender}, counts everything in a {@link Tally}, and paces to a rate.
 *
 * <p>Pacing: entry k is read no earlier than {@code k / rate} seconds after the first, on the
 * injected nanosecond clock, with the injected sleeper (so tests need not wait). A send that
 * throws at once is counted as undelivered, like one that fails later in its callback.
 */
public final class Producing {

    /** Hands one record to Kafka; calls {@code done} exactly once, with null or the failure. */
    @FunctionalInterface
    public interface Sender {
        void send(String key, byte[] value, long timestamp, Completion done);
    }

    /** The outcome of one send. */
    @FunctionalInterface
    public interface Completion {
        void completed(Exception failure);
    }

    /** Told the running counts, on the sending thread, at most every {@code progressEveryNanos}. */
    @FunctionalInterface
    public interface Progress {
        void update(Tally.Snapshot snapshot, double elapsedSeconds);
    }

    /**
     * The limits of one run.
     *
     * @param rate records per second, 0 for no limit
     * @param max  most entries to read, 0 for all
     */
    public record Limits(double rate, long max) {
        public Limits {
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("rate must be >= 0 and finite (0 = no limit), got " + rate);
            }
            if (max < 0) {
                throw new IllegalArgumentException("max must be >= 0 (0 = all), got " + max);
            }
        }

        public static Limits none() {
            return new Limits(0, 0);
        }
    }

    private final Sender sender;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClock;
    private final LongConsumer sleeper;

    /**
     * @param sender    where records go
     * @param nanoClock a monotonic clock in nanoseconds (pacing, progress)
     * @param wallClock epoch milliseconds (record timestamps)
     * @param sleeper   sleeps the given nanoseconds
     */
    public Producing(Sender sender, LongSupplier nanoClock, LongSupplier wallClock, LongConsumer sleeper) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Reads and sends until the input ends or {@code limits.max()} entries were read. Returns when
     * every send has been handed over; the caller flushes the producer, after which the tally's
     * delivered and undelivered counts are final.
     */
    public Tally run(RecordSource source, Limits limits, Tally tally, Progress progress, long progressEveryNanos)
            throws IOException {
        long start = nanoClock.getAsLong();
        long lastProgress = start;
        long k = 0;
        while (limits.max() == 0 || k < limits.max()) {
            if (limits.rate() > 0 && k > 0) {
                long due = start + (long) (k * 1e9 / limits.rate());
                long wait = due - nanoClock.getAsLong();
                if (wait > 0) {
                    sleeper.accept(wait);
                }
            }
            Item item = source.next();
            if (item == null) {
                break;
            }
            k++;
            if (item instanceof Item.Unreadable bad) {
                tally.unreadable(bad.position(), bad.reason());
            } else if (item instanceof Item.Ready ready) {
                tally.handedOver();
                try {
                    sender.send(ready.key(), ready.value(), wallClock.getAsLong(), failure -> {
                        if (failure == null) {
                            tally.delivered();
                        } else {
                            tally.undelivered(ready.position(), failure.getClass().getSimpleName(),
                                    String.valueOf(failure.getMessage()));
                        }
                    });
                } catch (RuntimeException e) {
                    tally.undelivered(ready.position(), e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                }
            }
            long now = nanoClock.getAsLong();
            if (now - lastProgress >= progressEveryNanos) {
                lastProgress = now;
                progress.update(tally.snapshot(), (now - start) / 1e9);
            }
        }
        return tally;
    }
}
