package dev.mnemo.deploy.kafka;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * Formats a KRaft data directory once, the way {@code kafka-storage.sh format} does.
 *
 * <p>Kafka 4.0 will not start on an unformatted directory. Formatting writes
 * {@code meta.properties} (cluster id, node id) and the bootstrap checkpoint of the metadata log
 * with the latest production metadata version. A directory that holds {@code meta.properties}
 * already is left alone, so a restart keeps its cluster id, topics and records.
 */
final class KraftStorage {

    private KraftStorage() {
    }

    /** Whether the directory has been formatted. */
    static boolean isFormatted(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME));
    }

    /**
     * Formats the broker's data directory with a new random cluster id, unless it is formatted.
     *
     * @return the new cluster id, or {@code null} when the directory was formatted before
     */
    static String formatIfNeeded(KafkaConfig config, Path dataDir) {
        return formatIfNeeded(config, dataDir, java.util.Map.of());
    }

    /**
     * As above, and creates the SCRAM ({@value EmbeddedKafkaOptions#SCRAM_MECHANISM}) credentials of
     * {@code scramUsers} (name to password) in the new metadata log, as
     * {@code kafka-storage.sh format --add-scram} does.
     */
    static String formatIfNeeded(KafkaConfig config, Path dataDir, java.util.Map<String, String> scramUsers) {
        if (isFormatted(dataDir)) {
            return null;
        }
        String clusterId = Uuid.randomUuid().toString();
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(config.nodeId())
                    .setClusterId(clusterId)
                    .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled())
                    // The embedded broker has one log directory, which also holds the metadata log.
                    .addDirectory(config.metadataLogDir())
                    .setScramArguments(scramUsers.entrySet().stream()
                            .map(u -> EmbeddedKafkaOptions.SCRAM_MECHANISM + "=[name=" + u.getKey() + ",password="
                                    + u.getValue() + "]")
                            .toList())
                    .run();
            return clusterId;
        } catch (Exception e) {
            throw new EmbeddedKafkaException("could not format the Kafka data directory " + dataDir
                    + ": " + e.getMessage(), e);
        }
    }
}
