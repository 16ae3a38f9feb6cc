package dev.mnemo.ingest.produce;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Renders one line of progress: a bar (when the total is known), records, records per second,
 * the time left and the errors so far.
 *
 * <pre>{@code
 * ProgressBar.render(4_500, 3, OptionalLong.of(10_000), 2.0)
 * // "[#########...........]  45.0%  4,500/10,000 records  2,250 rec/s  ETA 0:02  errors 3"
 * }</pre>
 */
public final class ProgressBar {

    /** Width of the bar, in characters. */
    public static final int WIDTH = 20;

    private ProgressBar() {
    }

    /**
     * @param done           records read so far (sent and unreadable)
     * @param errors         errors so far
     * @param total          records expected in all, when known
     * @param elapsedSeconds seconds since the first record
     */
    public static String render(long done, long errors, OptionalLong total, double elapsedSeconds) {
        double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
        StringBuilder line = new StringBuilder();
        if (total.isPresent() && total.getAsLong() > 0) {
            long t = total.getAsLong();
            double share = Math.min(1.0, done / (double) t);
            int filled = (int) Math.floor(share * WIDTH);
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%5.1f%%  %,d/%,d records", share * 100, done, t));
            line.append(String.format(Locale.ROOT, "  %,.0f rec/s", rate));
            if (rate > 0) {
                line.append("  ETA ").append(clock(Math.max(0, t - done) / rate));
            } else {
                line.append("  ETA ?");
            }
        } else {
            line.append(String.format(Locale.ROOT, "%,d records  %,.0f rec/s", done, rate));
        }
        line.append(String.format(Locale.ROOT, "  errors %,d", errors));
        return line.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
