package dev.mnemo.learner.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.mnemo.deploy.kafka.EmbeddedKafka;
import dev.mnemo.deploy.kafka.EmbeddedKafkaOptions;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.StreamOrder;

/**
 * {@code ./mnemo bench replay}: replay throughput against the raw training-step throughput of the
 * slowest strategy, in one process. Starts an embedded broker, writes a class-incremental
 * Fashion-MNIST stream (5 tasks, task tags) to a topic of 2 partitions, then runs
 * {@code ReplayMain --bench}, which replays it with the strategies side by side and times each
 * strategy's training steps alone on the same samples.
 *
 * <pre>
 * ReplayBenchMain [--samples 12000] [--strategies fine-tune,lwf+replay] [--out DIR] [--sequential]
 * </pre>
 */
public final class ReplayBenchMain {

    private ReplayBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int samples = 12_000;
        String strategies = "fine-tune,lwf+replay";
        Path out = Path.of("learner/bench-results/replay");
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--strategies" -> strategies = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> extra.add(args[i]);
            }
        }
        Path data = Files.createTempDirectory("mnemo-replay-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withDataDir(data.resolve("kafka")))) {
            Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
            String topic = "bench.samples.labelled";
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            DatasetSplit fashion = Datasets.fashionMnist();
            StreamOrder.OrderedStream order = StreamOrder.classIncremental(fashion.train(), 2, samples, 11L);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                    new ByteArraySerializer());
                 DatasetProducer producing = new DatasetProducer(producer, DatasetProducer.Options.to(topic))) {
                System.err.printf("Writing %d class-incremental Fashion-MNIST samples to %s...%n", samples, topic);
                producing.send(fashion.train(), order);
            }
            List<String> replay = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                    "--strategies", strategies, "--seed", "7", "--holdout", "0.1", "--out", out.toString(), "--bench"));
            replay.addAll(extra);
            int status = ReplayMain.run(replay.toArray(String[]::new), System.out, System.err);
            if (status != 0) {
                System.exit(status);
            }
        }
    }
}
