package dev.mnemo.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mnemo.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the deployment files (deploy/compose, deploy/k8s, deploy/grafana) without running them: no
 * Docker engine, no Kubernetes cluster, no broker. They are parsed and held against what Mnemo
 * itself defines: the topic names of {@link Topics}, the learner's health endpoints and port, its
 * metric names, and the flags of ingest's command line. A renamed topic, probe path or metric
 * fails here instead of in a cluster.
 */
class DeploymentManifestsTest {

    /** The learner's HTTP port ({@code quarkus.http.port} in the learner's application.properties). */
    static final int LEARNER_PORT = 8080;
    /** Quarkus SmallRye Health: liveness (loop thread alive, not failed). */
    static final String LIVENESS_PATH = "/q/health/live";
    /** Quarkus SmallRye Health: readiness (Kafka reachable, model built, loop consuming). */
    static final String READINESS_PATH = "/q/health/ready";
    /** The learner's checkpoint directory ({@code MnemoConfig.CheckpointConfig#dir}), as a key and as an env var. */
    static final String CHECKPOINT_DIR_KEY = "mnemo.checkpoint.dir";
    static final String CHECKPOINT_DIR_ENV = "MNEMO_CHECKPOINT_DIR";

    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final Topics TOPICS = Topics.defaults();

    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final Path REPOSITORY = DEPLOY.getParent();
    private static final Path COMPOSE = DEPLOY.resolve("compose/docker-compose.yml");
    private static final Path K8S = DEPLOY.resolve("k8s");
    private static final Path DASHBOARD = DEPLOY.resolve("grafana/mnemo-dashboard.json");
    private static final Path METRICS = DEPLOY.resolve("src/test/resources/learner-metrics.txt");

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new JsonMapper();

    // ---------------------------------------------------------------- every file parses

    @Test
    void everyManifestParsesAndNamesItsKind() {
        List<JsonNode> resources = k8sResources();

        assertThat(resources).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("apiVersion").asText()).as("apiVersion of %s", r).isNotBlank();
            assertThat(r.path("kind").asText()).as("kind of %s", r).isNotBlank();
            if (!r.path("kind").asText().equals("Kustomization")) {
                assertThat(r.path("metadata").path("name").asText()).as("metadata.name of %s", r).isNotBlank();
            }
        });
        assertThat(compose().path("services").size()).isEqualTo(4);
        assertThat(dashboard().path("panels").size()).isPositive();
    }

    @Test
    void kustomizationListsEveryManifestAndNothingElse() throws IOException {
        JsonNode kustomization = yamlDocuments(K8S.resolve("kustomization.yaml")).get(0);
        Set<String> listed = texts(kustomization.path("resources"));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(K8S)) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                    .forEach(present::add);
        }

        assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
        assertThat(kustomization.path("namespace").asText()).isEqualTo("mnemo");
    }

    // ---------------------------------------------------------------- topics

    @Test
    void everyMnemoTopicHasAKafkaTopicAndNoOtherIsDeclared() {
        Map<String, JsonNode> declared = kafkaTopics();

        assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(TOPICS.all());
        String cluster = kind("Kafka").get(0).path("metadata").path("name").asText();
        assertThat(declared.values()).allSatisfy(t -> assertThat(
                t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(cluster));
    }

    @Test
    void modelsIsCompactedAndTheStreamTopicsExpire() {
        Map<String, JsonNode> topics = kafkaTopics();
        assertThat(topics).containsKeys(TOPICS.all().toArray(String[]::new));

        assertThat(config(topics.get(TOPICS.models()), "cleanup.policy")).isEqualTo("compact");
        for (String stream : List.of(TOPICS.samplesRaw(), TOPICS.labels(), TOPICS.samplesLabelled(),
                TOPICS.samplesUnlabelled(), TOPICS.predictions())) {
            JsonNode topic = topics.get(stream);
            assertThat(config(topic, "cleanup.policy")).as(stream).isEqualTo("delete");
            assertThat(config(topic, "retention.ms")).as(stream).isEqualTo(String.valueOf(7 * DAY_MS));
            assertThat(topic.path("spec").path("partitions").asInt()).as(stream).isEqualTo(12);
        }
        assertThat(config(topics.get(TOPICS.samplesDlq()), "retention.ms")).isEqualTo(String.valueOf(30 * DAY_MS));
        // Ingest repartitions samples and labels to the larger count: keep them equal.
        assertThat(topics.get(TOPICS.samplesRaw()).path("spec").path("partitions").asInt())
                .isEqualTo(topics.get(TOPICS.labels()).path("spec").path("partitions").asInt());
    }

    @Test
    void kafkaIsAKraftClusterOfThreeBrokersThatHoldsEveryReplica() {
        JsonNode kafka = kind("Kafka").get(0);
        List<JsonNode> pools = kind("KafkaNodePool");
        int brokers = pools.stream()
                .filter(p -> texts(p.path("spec").path("roles")).contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt())
                .sum();
        int controllers = pools.stream()
                .filter(p -> texts(p.path("spec").path("roles")).contains("controller"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt())
                .sum();

        assertThat(brokers).isEqualTo(3);
        assertThat(controllers).as("an odd KRaft quorum").isOdd();
        assertThat(pools).allSatisfy(p -> assertThat(p.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                .isEqualTo(kafka.path("metadata").path("name").asText()));
        assertThat(kafka.path("spec").has("zookeeper")).isFalse();
        // The same Kafka as the compose file and the tests' container broker.
        assertThat("apache/kafka:" + kafka.path("spec").path("kafka").path("version").asText())
                .isEqualTo(compose().path("services").path("kafka").path("image").asText());
        int minInsync = kafka.path("spec").path("kafka").path("config").path("min.insync.replicas").asInt();
        assertThat(kafkaTopics().values()).allSatisfy(t -> {
            int replicas = t.path("spec").path("replicas").asInt();
            assertThat(replicas).isBetween(1, brokers);
            assertThat(minInsync).isLessThan(replicas);
        });
    }

    @Test
    void composeInitCreatesEveryTopicAndCompactsModels() {
        Map<String, String> created = composeTopicCommands();

        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(TOPICS.all());
        assertThat(created.get(TOPICS.models())).contains("cleanup.policy=compact");
        assertThat(created.get(TOPICS.samplesDlq())).contains("retention.ms=$$((30 * DAY))");
        assertThat(created.get(TOPICS.samplesRaw())).contains("retention.ms=$$((7 * DAY))");
    }

    // ---------------------------------------------------------------- the learner

    @Test
    void learnerPortIsTheOneTheServiceListensOn() throws IOException {
        Path properties = REPOSITORY.resolve("learner/src/main/resources/application.properties");

        assertThat(Files.readAllLines(properties)).contains("quarkus.http.port=" + LEARNER_PORT);
    }

    @Test
    void k8sLearnerProbesAreTheLearnersHealthEndpoints() {
        JsonNode learner = container(learner());

        assertThat(learner.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo(LIVENESS_PATH);
        assertThat(learner.path("livenessProbe").path("httpGet").path("port").asInt()).isEqualTo(LEARNER_PORT);
        assertThat(learner.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo(READINESS_PATH);
        assertThat(learner.path("readinessProbe").path("httpGet").path("port").asInt()).isEqualTo(LEARNER_PORT);
        if (learner.has("startupProbe")) {
            assertThat(learner.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo(LIVENESS_PATH);
            assertThat(learner.path("startupProbe").path("httpGet").path("port").asInt()).isEqualTo(LEARNER_PORT);
        }
        assertThat(learner.path("ports").get(0).path("containerPort").asInt()).isEqualTo(LEARNER_PORT);
        assertThat(learner.path("resources").path("limits").path("memory").asText()).isNotBlank();
    }

    @Test
    void k8sLearnerServiceReachesThePortAndThePods() {
        JsonNode deployment = learner();
        JsonNode service = resource("Service", "mnemo-learner");
        JsonNode port = service.path("spec").path("ports").get(0);
        JsonNode containerPort = container(deployment).path("ports").get(0);

        assertThat(port.path("targetPort").asText()).isIn(containerPort.path("name").asText(),
                String.valueOf(LEARNER_PORT));
        assertThat(port.path("port").asInt()).isEqualTo(LEARNER_PORT);
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
        service.path("spec").path("selector").fields().forEachRemaining(
                e -> assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    }

    @Test
    void k8sLearnerTalksToTheStrimziBootstrapWithOneNd4jThread() {
        Map<String, String> env = env(container(learner()));

        assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS", strimziBootstrap())
                .containsEntry("OMP_NUM_THREADS", "1")
                .containsEntry("MNEMO_TOPICS_PREFIX", Topics.DEFAULT_PREFIX);
    }

    @Test
    void composeLearnerHealthCheckIsReadinessOnTheLearnersPort() {
        JsonNode learner = compose().path("services").path("learner");
        String healthCheck = String.join(" ", texts(learner.path("healthcheck").path("test")));

        assertThat(healthCheck).contains("http://localhost:" + LEARNER_PORT + READINESS_PATH);
        assertThat(texts(learner.path("ports"))).contains(LEARNER_PORT + ":" + LEARNER_PORT);
        assertThat(learner.path("environment").path("OMP_NUM_THREADS").asText()).isEqualTo("1");
        assertThat(learner.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isIn(composeKafkaAddresses());
        assertThat(learner.path("depends_on").path("kafka-init").path("condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    // ---------------------------------------------------------------- durable learner state

    @Test
    void learnerCheckpointsAreOnByDefault() throws IOException {
        Path properties = REPOSITORY.resolve("learner/src/main/resources/application.properties");

        assertThat(Files.readAllLines(properties)).anySatisfy(line -> assertThat(line)
                .startsWith(CHECKPOINT_DIR_KEY + "=").isNotEqualTo(CHECKPOINT_DIR_KEY + "="));
    }

    @Test
    void k8sLearnerIsAStatefulSetWithACheckpointClaimPerReplica() {
        JsonNode learner = learner();
        JsonNode container = container(learner);
        JsonNode claims = learner.path("spec").path("volumeClaimTemplates");
        String checkpointDir = env(container).get(CHECKPOINT_DIR_ENV);

        assertThat(kind("Deployment")).noneMatch(d -> d.path("metadata").path("name").asText().equals("mnemo-learner"));
        assertThat(claims.size()).isEqualTo(1);
        JsonNode claim = claims.get(0);
        assertThat(texts(claim.path("spec").path("accessModes"))).containsExactly("ReadWriteOnce");
        assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText()).isNotBlank();
        JsonNode mount = stream(container.path("volumeMounts"))
                .filter(m -> m.path("name").asText().equals(claim.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("the learner does not mount its claim"));
        assertThat(checkpointDir).as(CHECKPOINT_DIR_ENV).startsWith(mount.path("mountPath").asText() + "/");
        // The claim is the replica's own: no pod volume of that name would shadow it.
        assertThat(stream(learner.path("spec").path("template").path("spec").path("volumes")))
                .noneMatch(v -> v.path("name").asText().equals(claim.path("metadata").path("name").asText()));
        assertThat(learner.path("spec").path("template").path("spec").path("securityContext").path("fsGroup").asInt())
                .isEqualTo(learner.path("spec").path("template").path("spec").path("securityContext").path("runAsGroup").asInt());
    }

    @Test
    void k8sLearnerStatefulSetIsGovernedByAHeadlessServiceOfItsPods() {
        JsonNode learner = learner();
        JsonNode service = resource("Service", learner.path("spec").path("serviceName").asText());
        JsonNode podLabels = learner.path("spec").path("template").path("metadata").path("labels");

        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(service.path("spec").path("selector").size()).isPositive();
        service.path("spec").path("selector").fields().forEachRemaining(
                e -> assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    }

    @Test
    void composeLearnerKeepsItsCheckpointsOnANamedVolume() throws IOException {
        JsonNode learner = compose().path("services").path("learner");
        String checkpointDir = learner.path("environment").path(CHECKPOINT_DIR_ENV).asText();
        String volume = texts(learner.path("volumes")).stream()
                .filter(v -> checkpointDir.startsWith(v.substring(v.indexOf(':') + 1) + "/"))
                .findFirst().orElseThrow(() -> new AssertionError("no learner volume holds " + checkpointDir));
        String name = volume.substring(0, volume.indexOf(':'));

        assertThat(compose().path("volumes").has(name)).as("named volume %s", name).isTrue();
        assertThat(learner.path("restart").asText()).isEqualTo("unless-stopped");
        // The image creates the mount point for its user, so that a new named volume is writable.
        String mountPoint = volume.substring(volume.indexOf(':') + 1);
        assertThat(dockerfile("learner")).contains("mkdir -p " + mountPoint, "chown mnemo:mnemo " + mountPoint,
                "VOLUME " + mountPoint);
    }

    // ---------------------------------------------------------------- images

    @Test
    void dockerfilesBuildFromTheMavenOutputsOnATemurin17Jre() throws IOException {
        String learner = dockerfile("learner");
        String ingest = dockerfile("ingest");

        assertThat(learner).contains("FROM eclipse-temurin:17-jre", "ENV OMP_NUM_THREADS=1",
                "learner/target/quarkus-app/quarkus-run.jar", "EXPOSE " + LEARNER_PORT);
        assertThat(learner).containsPattern(
                "HEALTHCHECK[^\\n]*\\\\\\n\\s*CMD curl -fsS http://localhost:" + LEARNER_PORT + READINESS_PATH);
        assertThat(ingest).contains("FROM eclipse-temurin:17-jre", "ENV OMP_NUM_THREADS=1",
                "ingest/target/mnemo-ingest.jar", "ingest/target/lib/");
    }

    @Test
    void composeBuildsEachImageFromTheRepositoryRootAndSendsWhatItCopies() throws IOException {
        for (String service : List.of("learner", "ingest")) {
            JsonNode build = compose().path("services").path(service).path("build");
            Path context = COMPOSE.getParent().resolve(build.path("context").asText()).normalize();
            Path dockerfile = context.resolve(build.path("dockerfile").asText());

            assertThat(context).isEqualTo(REPOSITORY);
            assertThat(dockerfile).isRegularFile();
            // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile: everything it copies
            // must be let through.
            List<String> allowed = Files.readAllLines(Path.of(dockerfile + ".dockerignore")).stream()
                    .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
            Matcher copy = Pattern.compile("(?m)^COPY(?: --\\S+)* (\\S+) ").matcher(Files.readString(dockerfile));
            int copies = 0;
            while (copy.find()) {
                copies++;
                String source = copy.group(1);
                assertThat(allowed).as("%s copies %s", dockerfile.getFileName(), source)
                        .anyMatch(a -> source.equals(a) || source.startsWith(a + "/"));
            }
            assertThat(copies).as("COPY lines in %s", dockerfile.getFileName()).isPositive();
        }
    }

    // ---------------------------------------------------------------- ingest

    @Test
    void ingestFlagsAreIngestMainFlags() throws IOException {
        String readme = Files.readString(REPOSITORY.resolve("ingest/README.md"));
        List<String> args = new ArrayList<>(texts(container(deployment("mnemo-ingest")).path("args")));
        args.addAll(texts(compose().path("services").path("ingest").path("command")));

        assertThat(args).isNotEmpty().allSatisfy(arg -> {
            assertThat(arg).startsWith("--").contains("=");
            assertThat(readme).as("ingest/README.md documents %s", arg).contains("`" + arg.substring(0, arg.indexOf('=')) + "`");
        });
        assertThat(args).contains("--bootstrap=" + strimziBootstrap(), "--prefix=" + Topics.DEFAULT_PREFIX);
        assertThat(args).anyMatch(a -> a.startsWith("--bootstrap=") && composeKafkaAddresses().contains(a.substring(12)));
    }

    @Test
    void ingestStateIsOnAnEmptyDirAndPartitionsMatchTheTopics() {
        JsonNode deployment = deployment("mnemo-ingest");
        JsonNode ingest = container(deployment);
        String stateDir = flag(texts(ingest.path("args")), "--state-dir");
        JsonNode mount = stream(ingest.path("volumeMounts"))
                .filter(m -> stateDir.startsWith(m.path("mountPath").asText() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume holds " + stateDir));
        JsonNode volume = stream(deployment.path("spec").path("template").path("spec").path("volumes"))
                .filter(v -> v.path("name").asText().equals(mount.path("name").asText()))
                .findFirst().orElseThrow();

        assertThat(volume.has("emptyDir")).isTrue();
        assertThat(deployment.path("spec").path("replicas").asInt()).isPositive();
        int partitions = kafkaTopics().get(TOPICS.samplesRaw()).path("spec").path("partitions").asInt();
        assertThat(flag(texts(ingest.path("args")), "--partitions")).isEqualTo(String.valueOf(partitions));
        assertThat(env(ingest)).containsEntry("OMP_NUM_THREADS", "1");
    }

    // ---------------------------------------------------------------- Grafana

    @Test
    void dashboardUsesOnlyAndAllOfTheLearnersMetrics() {
        Map<String, Set<String>> metrics = learnerMetrics();
        Set<String> used = new TreeSet<>();
        Pattern name = Pattern.compile("\\b(mnemo_[a-z0-9_]+)\\b(\\{[^}]*})?");
        Pattern labelName = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
        for (String query : dashboardQueries()) {
            Matcher m = name.matcher(query);
            while (m.find()) {
                String metric = m.group(1);
                used.add(metric);
                assertThat(metrics).as("metric %s in %s", metric, query).containsKey(metric);
                if (m.group(2) != null) {
                    Matcher label = labelName.matcher(m.group(2));
                    while (label.find()) {
                        assertThat(label.group(1)).as("label of %s in %s", metric, query)
                                .isIn(union(metrics.get(metric), Set.of("instance", "job")));
                    }
                }
            }
        }

        assertThat(used).containsExactlyInAnyOrderElementsOf(metrics.keySet());
    }

    @Test
    void everyListedMetricIsAMeterTheLearnerRegisters() throws IOException {
        String meters = Files.readString(
                REPOSITORY.resolve("learner/src/main/java/dev/mnemo/learner/service/LearnerMetrics.java"));

        assertThat(learnerMetrics().keySet()).allSatisfy(metric -> {
            // Micrometer's dotted name; the Prometheus registry writes dots as _ and adds _total to counters.
            String dotted = metric.replaceFirst("_total$", "").replace('_', '.');
            assertThat(meters).as("LearnerMetrics registers %s as \"%s\"", metric, dotted).contains('"' + dotted + '"');
        });
    }

    @Test
    void dashboardPanelsHaveUniqueIdsAndUseTheDatasourceVariable() {
        JsonNode dashboard = dashboard();
        List<JsonNode> panels = stream(dashboard.path("panels")).toList();

        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(panels.stream().map(p -> p.path("id").asInt()).toList()).doesNotHaveDuplicates();
        assertThat(panels).allSatisfy(p -> assertThat(p.path("gridPos").path("w").asInt()).isBetween(1, 24));
        assertThat(panels.stream().filter(p -> !p.path("type").asText().equals("row")))
                .allSatisfy(p -> assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
        assertThat(stream(dashboard.path("templating").path("list")).map(v -> v.path("name").asText()))
                .contains("datasource");
    }

    // ---------------------------------------------------------------- reading the files

    private static List<JsonNode> yamlDocuments(Path file) {
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            return documents.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    private static List<JsonNode> k8sResources() {
        try (Stream<Path> files = Files.list(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .flatMap(f -> yamlDocuments(f).stream()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> kind(String kind) {
        List<JsonNode> found = k8sResources().stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("resources of kind %s", kind).isNotEmpty();
        return found;
    }

    private static JsonNode resource(String kind, String name) {
        return kind(kind).stream().filter(r -> r.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static JsonNode deployment(String name) {
        return resource("Deployment", name);
    }

    /** The learner's workload: a StatefulSet, for a checkpoint volume per replica. */
    private static JsonNode learner() {
        return resource("StatefulSet", "mnemo-learner");
    }

    private static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as("containers of %s", deployment.path("metadata").path("name")).isEqualTo(1);
        return containers.get(0);
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    /** Topic name to KafkaTopic; the name is spec.topicName, else metadata.name (Strimzi's rule). */
    private static Map<String, JsonNode> kafkaTopics() {
        Map<String, JsonNode> topics = new LinkedHashMap<>();
        for (JsonNode t : kind("KafkaTopic")) {
            String name = t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText());
            assertThat(topics.put(name, t)).as("KafkaTopic %s declared twice", name).isNull();
        }
        return topics;
    }

    private static String config(JsonNode topic, String key) {
        return topic.path("spec").path("config").path(key).asText();
    }

    /** Strimzi's bootstrap service: {@code <cluster>-kafka-bootstrap:<port of the plain listener>}. */
    private static String strimziBootstrap() {
        JsonNode kafka = kind("Kafka").get(0);
        JsonNode plain = stream(kafka.path("spec").path("kafka").path("listeners"))
                .filter(l -> !l.path("tls").asBoolean()).findFirst()
                .orElseThrow(() -> new AssertionError("no plain listener"));
        return kafka.path("metadata").path("name").asText() + "-kafka-bootstrap:" + plain.path("port").asInt();
    }

    private static JsonNode compose() {
        return yamlDocuments(COMPOSE).get(0);
    }

    /** The addresses the compose broker advertises ({@code host:port}). */
    private static Set<String> composeKafkaAddresses() {
        String advertised = compose().path("services").path("kafka").path("environment")
                .path("KAFKA_ADVERTISED_LISTENERS").asText();
        Set<String> addresses = new LinkedHashSet<>();
        for (String listener : advertised.split(",")) {
            addresses.add(listener.substring(listener.indexOf("://") + 3));
        }
        return addresses;
    }

    /** Topic name to the line of the kafka-init script that creates it. */
    private static Map<String, String> composeTopicCommands() {
        JsonNode init = compose().path("services").path("kafka-init");
        String script = String.join("\n", texts(init.path("command")));
        Map<String, String> created = new LinkedHashMap<>();
        Matcher topic = Pattern.compile("(?m)^.*--topic\\s+(\\S+).*$").matcher(script);
        while (topic.find()) {
            assertThat(created.put(topic.group(1), topic.group())).as("created twice: %s", topic.group(1)).isNull();
        }
        String bootstrap = flagInScript(script, "--bootstrap-server");
        assertThat(bootstrap).isIn(composeKafkaAddresses());
        assertThat(init.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        return created;
    }

    private static String flagInScript(String script, String flag) {
        Matcher m = Pattern.compile(Pattern.quote(flag) + "\\s+(\\S+)").matcher(script);
        assertThat(m.find()).as("%s in the kafka-init script", flag).isTrue();
        return m.group(1);
    }

    private static String flag(Collection<String> args, String flag) {
        return args.stream().filter(a -> a.startsWith(flag + "=")).map(a -> a.substring(flag.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + flag + " in " + args));
    }

    private static String dockerfile(String service) throws IOException {
        return Files.readString(COMPOSE.getParent().resolve("Dockerfile." + service));
    }

    private static JsonNode dashboard() {
        try {
            return JSON.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + DASHBOARD, e);
        }
    }

    /** Every PromQL text of the dashboard: panel targets and template variable queries. */
    private static List<String> dashboardQueries() {
        List<String> queries = new ArrayList<>();
        dashboard().findValues("expr").forEach(e -> queries.add(e.asText()));
        dashboard().path("templating").path("list").forEach(v -> {
            queries.add(v.path("definition").asText());
            queries.add(v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText());
        });
        assertThat(queries).isNotEmpty();
        return queries;
    }

    /** learner-metrics.txt: metric name to its label names. */
    private static Map<String, Set<String>> learnerMetrics() {
        try {
            Map<String, Set<String>> metrics = new LinkedHashMap<>();
            for (String line : Files.readAllLines(METRICS)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.trim().split("\\s+");
                metrics.put(words[0], new LinkedHashSet<>(List.of(words).subList(1, words.length)));
            }
            assertThat(metrics).hasSize(14);
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new LinkedHashSet<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes.stream();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new LinkedHashSet<>(a);
        union.addAll(b);
        return union;
    }
}
