package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end on a short stream and prints one line per detector and stream. */
class DetectorBenchTest {

    @Test
    void printsOneLinePerDetectorAndStream() {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            DetectorBench.main(new String[] {"20000", "1"});
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(14).allMatch(l -> l.contains("ns/update") && l.contains("M updates/s"));
        assertThat(text).contains("Adwin", "PageHinkley", "Ddm", "HddmA", "HddmW", "Kswin", "ScheduledDetector");
    }
}
