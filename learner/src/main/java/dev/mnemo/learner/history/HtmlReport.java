package dev.mnemo.learner.history;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A self-contained HTML page for a {@link ReplayResult}: no script, no stylesheet or font from the
 * network; the charts are SVG drawn by XChart and inlined.
 *
 * <p>It shows the range and exact offsets read, the configuration and the starting model; the
 * prequential accuracy over time of every lane with its drift events marked; the accuracy matrix
 * of every lane as a heat map; per-class prequential accuracy; a table of the final metrics (ACC,
 * BWT, FWT, forgetting, holdout accuracy, drift events, alerts, throughput); and the drift events.
 *
 * <p>XChart draws with AWT; {@link #render} sets {@code java.awt.headless=true} when nothing set it.
 */
public final class HtmlReport {

    private static final Color[] LANE_COLORS = {
        new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(148, 103, 189),
        new Color(255, 127, 14), new Color(23, 190, 207)};

    private HtmlReport() {
    }

    /** Writes the page to {@code file}. */
    public static void write(ReplayResult r, Path file) throws IOException {
        Files.writeString(file, render(r));
    }

    /** The page as a string. */
    public static String render(ReplayResult r) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Mnemo replay report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}")
                .append("td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}")
                .append("td.l,th.l{text-align:left}h2{margin-top:1.5em}.chart{margin:0.5em 0}")
                .append("code{background:#f4f4f4;padding:0 3px}</style></head><body>\n");
        h.append("<h1>Mnemo replay report</h1>\n");
        summary(h, r);
        h.append("<h2>Final metrics</h2>\n");
        metricsTable(h, r);
        h.append("<h2>Prequential accuracy over time</h2>\n<p>Test-then-train accuracy over the last ")
                .append(r.config().window()).append(" scored samples (lines); drift events found by ADWIN on each ")
                .append("lane's error stream are marked with their position (filled: the error rose, an alert).</p>\n");
        h.append("<div class=\"chart\" id=\"accuracy-over-time\">").append(svg(accuracyChart(r))).append("</div>\n");
        if (r.lanes().stream().anyMatch(l -> l.matrix() != null)) {
            h.append("<h2>Accuracy matrix</h2>\n<p>Row <i>i</i>, column <i>j</i>: accuracy on the holdout of task ")
                    .append("<i>j</i> after training through task <i>i</i>.</p>\n");
            for (ReplayResult.LaneResult lane : r.lanes()) {
                if (lane.matrix() != null) {
                    h.append("<h3>").append(esc(lane.name())).append("</h3>\n");
                    h.append("<div class=\"chart heatmap\">").append(svg(heatMap(lane))).append("</div>\n");
                }
            }
        } else {
            h.append("<h2>Accuracy matrix</h2>\n<p>No holdout or no labelled samples: no accuracy matrix.</p>\n");
        }
        h.append("<h2>Prequential accuracy per class</h2>\n");
        h.append("<div class=\"chart\" id=\"per-class\">").append(svg(perClassChart(r))).append("</div>\n");
        h.append("<h2>Drift events</h2>\n");
        driftTable(h, r);
        h.append("<h2>Offsets read</h2>\n");
        offsetsTable(h, r);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, ReplayResult r) {
        h.append("<table>");
        row(h, "Topics", r.range() == null ? "(in memory)" : String.join(", ", r.range().topics()));
        if (r.range() != null) {
            row(h, "Time range", time(r.range().fromTime()) + " .. " + time(r.range().toTime()));
            row(h, "Offset bounds", (r.range().fromOffsets().isEmpty() ? "(open)" : "from " + r.range().fromOffsets())
                    + " .. " + (r.range().toOffsets().isEmpty() ? "(open)" : "to " + r.range().toOffsets()));
        }
        row(h, "Starting model", r.start().kind() + " (" + r.start().source() + ", version " + r.start().version() + ")");
        row(h, "Strategies", String.join(", ", r.config().laneNames()));
        row(h, "Seed", Long.toString(r.config().seed()));
        row(h, "Holdout", r.config().holdout().describe() + " (" + r.counts().heldOut() + " samples, at most "
                + r.config().maxHoldoutPerTask() + " kept per task)");
        row(h, "Step / block / window", r.config().batchSize() + " labelled samples / " + r.config().blockSize()
                + " samples / " + r.config().window() + " samples");
        ReplayResult.Counts c = r.counts();
        row(h, "Records", c.read() + " read, " + c.valid() + " valid, rejected " + c.rejected() + ", "
                + c.outsideTime() + " outside the time range");
        row(h, "Samples", c.labelled() + " labelled, " + c.trained() + " fed to the lanes, " + c.heldOut()
                + " held out");
        row(h, "Tasks", r.tasks().isEmpty() ? "(none)" : String.join(", ", r.tasks()));
        row(h, "Throughput", String.format(Locale.ROOT, "%.0f records/s (%d records in %.2f s)", r.recordsPerSecond(),
                c.read(), r.seconds()));
        h.append("</table>\n");
    }

    private static void metricsTable(StringBuilder h, ReplayResult r) {
        h.append("<table id=\"final-metrics\"><tr><th class=\"l\">Strategy</th><th>Prequential</th>")
                .append("<th>Window</th><th>Holdout</th><th>ACC</th><th>BWT</th><th>FWT</th><th>Forgetting</th>")
                .append("<th>Drift events</th><th>Alerts</th><th>Steps</th><th>Final version</th><th>Busy s</th></tr>\n");
        for (ReplayResult.LaneResult l : r.lanes()) {
            ReplayResult.Matrix m = l.matrix();
            h.append("<tr><td class=\"l\">").append(esc(l.name())).append("</td>")
                    .append(td(l.accuracy())).append(td(l.windowAccuracy()))
                    .append(td(l.holdout() == null ? Double.NaN : l.holdout().accuracy()))
                    .append(td(m == null ? Double.NaN : m.acc())).append(td(m == null ? Double.NaN : m.bwt()))
                    .append(td(m == null ? Double.NaN : m.fwt())).append(td(m == null ? Double.NaN : m.forgetting()))
                    .append("<td>").append(l.drifts().size()).append("</td><td>").append(l.alerts().size())
                    .append("</td><td>").append(l.steps()).append("</td><td>").append(l.finalVersion())
                    .append("</td>").append(String.format(Locale.ROOT, "<td>%.2f</td>", l.busySeconds()))
                    .append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void driftTable(StringBuilder h, ReplayResult r) {
        List<String[]> rows = new ArrayList<>();
        for (ReplayResult.LaneResult l : r.lanes()) {
            for (DriftMark d : l.drifts()) {
                rows.add(new String[] {l.name(), Long.toString(d.position()), d.topic() + "-" + d.partition() + "@"
                        + d.offset(), Instant.ofEpochMilli(d.timestamp()).toString(), d.rising() ? "error rose"
                        : "error fell", String.format(Locale.ROOT, "%.3f", d.errorEstimate())});
            }
            for (DriftMark d : l.alerts()) {
                rows.add(new String[] {l.name(), Long.toString(d.position()), d.topic() + "-" + d.partition() + "@"
                        + d.offset(), Instant.ofEpochMilli(d.timestamp()).toString(), "alert: " + d.verdict(),
                        String.format(Locale.ROOT, "%.3f", d.errorEstimate())});
            }
        }
        if (rows.isEmpty()) {
            h.append("<p>No drift event.</p>\n");
            return;
        }
        h.append("<table><tr><th class=\"l\">Strategy</th><th>Position</th><th class=\"l\">Record</th>")
                .append("<th class=\"l\">Time</th><th class=\"l\">Kind</th><th>Error estimate</th></tr>\n");
        for (String[] row : rows) {
            h.append("<tr><td class=\"l\">").append(esc(row[0])).append("</td><td>").append(row[1])
                    .append("</td><td class=\"l\">").append(esc(row[2])).append("</td><td class=\"l\">").append(row[3])
                    .append("</td><td class=\"l\">").append(row[4]).append("</td><td>").append(row[5]).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void offsetsTable(StringBuilder h, ReplayResult r) {
        if (r.partitions().isEmpty()) {
            h.append("<p>In-memory records.</p>\n");
            return;
        }
        h.append("<table><tr><th class=\"l\">Topic</th><th>Partition</th><th>Start offset</th><th>End offset</th>")
                .append("<th>First read</th><th>Last read</th><th>Records</th></tr>\n");
        for (RangeReader.PartitionRange p : r.partitions()) {
            h.append("<tr><td class=\"l\">").append(esc(p.topic())).append("</td><td>").append(p.partition())
                    .append("</td><td>").append(p.startOffset()).append("</td><td>").append(p.endOffset())
                    .append("</td><td>").append(p.firstOffsetRead()).append("</td><td>").append(p.lastOffsetRead())
                    .append("</td><td>").append(p.records()).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    static XYChart accuracyChart(ReplayResult r) {
        XYChart chart = new XYChartBuilder().width(1000).height(420).title("Prequential accuracy over time")
                .xAxisTitle("scored samples").yAxisTitle("accuracy").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        int i = 0;
        for (ReplayResult.LaneResult l : r.lanes()) {
            Color color = LANE_COLORS[i++ % LANE_COLORS.length];
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (CurvePoint p : l.curve()) {
                if (Double.isFinite(p.windowAccuracy())) {
                    x.add((double) p.position());
                    y.add(p.windowAccuracy());
                }
            }
            if (x.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(l.name(), x, y);
            s.setMarker(SeriesMarkers.NONE).setLineColor(color);
            for (boolean alert : new boolean[] {true, false}) {
                List<Double> dx = new ArrayList<>();
                List<Double> dy = new ArrayList<>();
                for (DriftMark d : alert ? l.alerts() : l.drifts()) {
                    dx.add((double) d.position());
                    dy.add(accuracyAt(l.curve(), d.position()));
                }
                if (!dx.isEmpty()) {
                    XYSeries m = chart.addSeries(l.name() + (alert ? ": drift alert" : ": drift event"), dx, dy);
                    m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
                            .setMarker(alert ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE).setMarkerColor(color);
                    if (!alert) {
                        m.setMarkerColor(color.brighter());
                    }
                }
            }
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no scored sample", new double[] {0}, new double[] {0});
        }
        return chart;
    }

    /** The window accuracy of the curve point at or before {@code position}. */
    private static double accuracyAt(List<CurvePoint> curve, long position) {
        double v = curve.isEmpty() ? 0 : curve.get(0).windowAccuracy();
        for (CurvePoint p : curve) {
            if (p.position() > position) {
                break;
            }
            v = p.windowAccuracy();
        }
        return Double.isFinite(v) ? v : 0;
    }

    static HeatMapChart heatMap(ReplayResult.LaneResult lane) {
        ReplayResult.Matrix m = lane.matrix();
        int t = m.tasks().size();
        int side = Math.min(700, 160 + 60 * t);
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 120).height(side)
                .title("Accuracy matrix: " + lane.name()).xAxisTitle("evaluated on task")
                .yAxisTitle("after training through task").build();
        chart.getStyler().setShowValue(t <= 12);
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.getStyler().setHeatMapValueDecimalPattern("0.00");
        chart.getStyler().setRangeColors(
                new Color[] {new Color(255, 255, 255), new Color(255, 200, 60), new Color(200, 40, 30)});
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(true);
        List<String> xs = new ArrayList<>(m.tasks());
        List<String> ys = new ArrayList<>(m.tasks());
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                double v = m.rows()[i][j];
                if (Double.isFinite(v)) {
                    cells.add(new Number[] {j, i, v});
                }
            }
        }
        chart.addSeries("R", xs, ys, cells);
        return chart;
    }

    static CategoryChart perClassChart(ReplayResult r) {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(360)
                .title("Prequential accuracy per class").xAxisTitle("class").yAxisTitle("accuracy").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        int i = 0;
        for (ReplayResult.LaneResult l : r.lanes()) {
            List<String> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (ReplayResult.ClassScore c : l.perClass()) {
                x.add(Integer.toString(c.label()));
                y.add(Double.isFinite(c.accuracy()) ? c.accuracy() : 0.0);
            }
            chart.addSeries(l.name(), x, y).setFillColor(LANE_COLORS[i++ % LANE_COLORS.length]);
        }
        return chart;
    }

    /** The chart as an SVG element, without the XML prolog, for inlining. */
    static String svg(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new IllegalStateException("cannot draw the chart '" + chart.getTitle() + "'", e);
        }
        String svg = out.toString(StandardCharsets.UTF_8);
        int at = svg.indexOf("<svg");
        return at < 0 ? svg : svg.substring(at);
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th class=\"l\">").append(esc(key)).append("</th><td class=\"l\">").append(esc(value))
                .append("</td></tr>\n");
    }

    private static String td(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "<td>%.4f</td>", v) : "<td>n/a</td>";
    }

    private static String time(Long millis) {
        return millis == null ? "(open)" : Instant.ofEpochMilli(millis).toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
