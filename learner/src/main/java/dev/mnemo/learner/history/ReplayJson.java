package dev.mnemo.learner.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mnemo.learner.eval.TaskAccuracy;
import dev.mnemo.learner.strategy.StrategySpec;

/**
 * The JSON form of a {@link ReplayResult}: the numbers of the HTML report, and what makes the run
 * reproducible (the exact offsets read, the configuration, the seed and the starting model).
 * Accuracies that could not be measured ({@code NaN}) are written as {@code null}.
 *
 * <p>Top-level keys: {@code format}, {@code range}, {@code reproduce} (a command line that reads
 * exactly the same offsets with the same configuration), {@code partitions}, {@code config},
 * {@code startingModel}, {@code records}, {@code tasks}, {@code holdoutPerTask}, {@code throughput},
 * {@code lanes}. Each lane has {@code name}, {@code strategy}, {@code prequential},
 * {@code perClass}, {@code perTask}, {@code curve}, {@code driftEvents}, {@code alerts},
 * {@code accuracyMatrix} ({@code rows}, {@code baseline}, {@code acc}, {@code bwt}, {@code fwt},
 * {@code forgetting}), {@code holdout}, {@code model} and {@code throughput}.
 */
public final class ReplayJson {

    /** Version of this layout. */
    public static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReplayJson() {
    }

    /** The result as a JSON tree. */
    public static ObjectNode tree(ReplayResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode range = root.putObject("range");
        if (r.range() != null) {
            ArrayNode topics = range.putArray("topics");
            r.range().topics().forEach(topics::add);
            ArrayNode parts = range.putArray("partitions");
            r.range().partitions().forEach(parts::add);
            time(range, "fromTime", r.range().fromTime());
            time(range, "toTime", r.range().toTime());
            ObjectNode from = range.putObject("fromOffsets");
            r.range().fromOffsets().forEach((p, o) -> from.put(p == ReplayRange.ALL ? "all" : p.toString(), o));
            ObjectNode to = range.putObject("toOffsets");
            r.range().toOffsets().forEach((p, o) -> to.put(p == ReplayRange.ALL ? "all" : p.toString(), o));
        }
        String reproduce = reproduce(r);
        if (reproduce == null) {
            root.putNull("reproduce");
        } else {
            root.put("reproduce", reproduce);
        }
        ArrayNode partitions = root.putArray("partitions");
        for (RangeReader.PartitionRange p : r.partitions()) {
            ObjectNode n = partitions.addObject();
            n.put("topic", p.topic());
            n.put("partition", p.partition());
            n.put("startOffset", p.startOffset());
            n.put("endOffset", p.endOffset());
            n.put("firstOffsetRead", p.firstOffsetRead());
            n.put("lastOffsetRead", p.lastOffsetRead());
            n.put("records", p.records());
        }
        ReplayConfig c = r.config();
        ObjectNode config = root.putObject("config");
        config.put("seed", c.seed());
        config.put("classes", c.classes());
        ArrayNode hidden = config.putArray("hidden");
        c.hidden().forEach(hidden::add);
        config.put("batchSize", c.batchSize());
        config.put("blockSize", c.blockSize());
        config.put("window", c.window());
        config.put("sampleEvery", c.sampleEvery());
        config.put("holdout", c.holdout().describe());
        config.put("maxHoldoutPerTask", c.maxHoldoutPerTask());
        config.put("adwinDelta", c.adwinDelta());
        ArrayNode strategies = config.putArray("strategies");
        c.strategies().forEach(s -> strategy(strategies.addObject(), s));
        ObjectNode start = root.putObject("startingModel");
        start.put("kind", r.start().kind());
        start.put("source", r.start().source());
        start.put("version", r.start().version());
        ReplayResult.Counts k = r.counts();
        ObjectNode records = root.putObject("records");
        records.put("read", k.read());
        records.put("outsideTime", k.outsideTime());
        records.put("valid", k.valid());
        ObjectNode rejected = records.putObject("rejected");
        k.rejected().forEach(rejected::put);
        records.put("labelled", k.labelled());
        records.put("trained", k.trained());
        records.put("heldOut", k.heldOut());
        records.put("heldOutUnlabelled", k.heldOutUnlabelled());
        ArrayNode tasks = root.putArray("tasks");
        r.tasks().forEach(tasks::add);
        ObjectNode holdout = root.putObject("holdoutPerTask");
        r.holdoutPerTask().forEach(holdout::put);
        ObjectNode throughput = root.putObject("throughput");
        throughput.put("records", k.read());
        throughput.put("seconds", r.seconds());
        number(throughput, "recordsPerSecond", r.recordsPerSecond());
        throughput.put("readerCpuSeconds", r.readerCpuSeconds());
        ArrayNode lanes = root.putArray("lanes");
        for (ReplayResult.LaneResult lane : r.lanes()) {
            lane(lanes.addObject(), lane);
        }
        return root;
    }

    /** The result as indented JSON text. */
    public static String write(ReplayResult r) {
        try {
            return MAPPER.writeValueAsString(tree(r));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the replay result as JSON", e);
        }
    }

    /** Writes the result to {@code file}. */
    public static void write(ReplayResult r, Path file) throws IOException {
        Files.writeString(file, write(r));
    }

    /**
     * The command line that replays exactly the offsets read, with the same configuration (for a
     * single topic read from Kafka with a fresh or file start; else null). Strategy parameters other
     * than the buffer and replay size are the defaults of {@link StrategySpec#parse}.
     */
    static String reproduce(ReplayResult r) {
        if (r.range() == null || r.range().topics().size() != 1 || r.partitions().isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("./mnemo replay --topic ").append(r.range().topics().get(0));
        StringBuilder from = new StringBuilder();
        StringBuilder to = new StringBuilder();
        StringBuilder parts = new StringBuilder();
        for (RangeReader.PartitionRange p : r.partitions()) {
            String sep = from.length() == 0 ? "" : ",";
            from.append(sep).append(p.partition()).append(':').append(p.startOffset());
            to.append(sep).append(p.partition()).append(':').append(p.endOffset());
            parts.append(sep).append(p.partition());
        }
        b.append(" --partitions ").append(parts).append(" --from-offset ").append(from).append(" --to-offset ").append(to);
        if (r.range().fromTime() != null) {
            b.append(" --from-time ").append(Instant.ofEpochMilli(r.range().fromTime()));
        }
        if (r.range().toTime() != null) {
            b.append(" --to-time ").append(Instant.ofEpochMilli(r.range().toTime()));
        }
        ReplayConfig c = r.config();
        b.append(" --strategies ").append(String.join(",", c.strategies().stream().map(StrategySpec::name).toList()));
        StrategySpec first = c.strategies().get(0);
        b.append(" --buffer ").append(first.bufferCapacity()).append(" --replay-size ").append(first.replaySize());
        b.append(" --seed ").append(c.seed());
        String holdout = c.holdout().describe();
        if (holdout.startsWith("id-hash:")) {
            b.append(" --holdout ").append(holdout.substring("id-hash:".length()));
        } else if (holdout.startsWith("time:")) {
            b.append(" --holdout-time ").append(holdout.substring("time:".length()));
        } else {
            b.append(" --holdout 0");
        }
        b.append(" --holdout-max ").append(c.maxHoldoutPerTask()).append(" --classes ").append(c.classes())
                .append(" --batch ").append(c.batchSize()).append(" --block ").append(c.blockSize())
                .append(" --window ").append(c.window()).append(" --sample-every ").append(c.sampleEvery())
                .append(" --adwin-delta ").append(c.adwinDelta());
        switch (r.start().kind()) {
            case "fresh" -> b.append(" --from fresh");
            case "version" -> b.append(" --from version:").append(r.start().version());
            default -> b.append(" --from checkpoint:").append(java.nio.file.Path.of(java.net.URI.create(r.start().source())));
        }
        return b.toString();
    }

    private static void lane(ObjectNode n, ReplayResult.LaneResult lane) {
        n.put("name", lane.name());
        strategy(n.putObject("strategy"), lane.spec());
        ObjectNode preq = n.putObject("prequential");
        preq.put("scored", lane.scored());
        preq.put("correct", lane.correct());
        number(preq, "accuracy", lane.accuracy());
        number(preq, "windowAccuracy", lane.windowAccuracy());
        ArrayNode perClass = n.putArray("perClass");
        for (ReplayResult.ClassScore c : lane.perClass()) {
            ObjectNode o = perClass.addObject();
            o.put("class", c.label());
            o.put("count", c.count());
            o.put("correct", c.correct());
            number(o, "accuracy", c.accuracy());
        }
        ArrayNode perTask = n.putArray("perTask");
        for (TaskAccuracy.TaskSnapshot t : lane.perTask()) {
            ObjectNode o = perTask.addObject();
            o.put("task", t.task());
            o.put("count", t.count());
            o.put("correct", t.correct());
            number(o, "accuracy", t.accuracy());
            number(o, "windowAccuracy", t.windowAccuracy());
        }
        ArrayNode curve = n.putArray("curve");
        for (CurvePoint p : lane.curve()) {
            ObjectNode o = curve.addObject();
            o.put("position", p.position());
            o.put("timestamp", p.timestamp());
            number(o, "accuracy", p.accuracy());
            number(o, "windowAccuracy", p.windowAccuracy());
        }
        drifts(n.putArray("driftEvents"), lane.drifts());
        drifts(n.putArray("alerts"), lane.alerts());
        if (lane.matrix() == null) {
            n.putNull("accuracyMatrix");
        } else {
            ReplayResult.Matrix m = lane.matrix();
            ObjectNode o = n.putObject("accuracyMatrix");
            ArrayNode tasks = o.putArray("tasks");
            m.tasks().forEach(tasks::add);
            ArrayNode rows = o.putArray("rows");
            for (double[] row : m.rows()) {
                ArrayNode a = rows.addArray();
                for (double v : row) {
                    add(a, v);
                }
            }
            ArrayNode baseline = o.putArray("baseline");
            for (double v : m.baseline()) {
                add(baseline, v);
            }
            number(o, "acc", m.acc());
            number(o, "bwt", m.bwt());
            number(o, "fwt", m.fwt());
            number(o, "forgetting", m.forgetting());
        }
        if (lane.holdout() == null) {
            n.putNull("holdout");
        } else {
            ObjectNode o = n.putObject("holdout");
            o.put("count", lane.holdout().count());
            number(o, "accuracy", lane.holdout().accuracy());
            ArrayNode recall = o.putArray("recallPerClass");
            for (double v : lane.holdout().recall()) {
                add(recall, v);
            }
        }
        ObjectNode model = n.putObject("model");
        model.put("finalVersion", lane.finalVersion());
        model.put("trainingSteps", lane.steps());
        model.put("trainedSamples", lane.trainedSamples());
        model.put("taskBoundaries", lane.taskBoundaries());
        ObjectNode t = n.putObject("throughput");
        t.put("busySeconds", lane.busySeconds());
        t.put("cpuSeconds", lane.cpuSeconds());
    }

    private static void drifts(ArrayNode out, java.util.List<DriftMark> marks) {
        for (DriftMark d : marks) {
            ObjectNode o = out.addObject();
            o.put("position", d.position());
            o.put("topic", d.topic());
            o.put("partition", d.partition());
            o.put("offset", d.offset());
            o.put("timestamp", d.timestamp());
            o.put("time", Instant.ofEpochMilli(d.timestamp()).toString());
            o.put("rising", d.rising());
            number(o, "errorEstimate", d.errorEstimate());
            o.put("modelVersion", d.modelVersion());
            if (d.verdict() != null) {
                o.put("verdict", d.verdict());
            }
        }
    }

    private static void strategy(ObjectNode n, StrategySpec s) {
        n.put("name", s.name());
        n.put("replaySize", s.replaySize());
        n.put("bufferCapacity", s.bufferCapacity());
        n.put("bufferPolicy", s.bufferPolicy());
        n.put("uint8Buffer", s.uint8Buffer());
        n.put("temperature", s.temperature());
        n.put("lambda", s.lambda());
        n.put("seed", s.seed());
    }

    private static void time(ObjectNode n, String key, Long millis) {
        if (millis == null) {
            n.putNull(key);
        } else {
            n.put(key, Instant.ofEpochMilli(millis).toString());
        }
    }

    private static void number(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    private static void add(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }
}
