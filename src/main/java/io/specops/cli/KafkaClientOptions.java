package io.specops.cli;

import io.specops.config.ConfigSources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Kafka client settings of the commands that talk to a cluster without being a worker ({@code topics},
 * {@code prompt}): security settings above all. They come, as for the worker, from {@code
 * SPECOPS_KAFKA_*} environment variables ({@code SPECOPS_KAFKA_SASL_MECHANISM} sets {@code sasl.mechanism}),
 * and from a properties file of plain client keys, the file Kafka's own tools take as {@code
 * --command-config}, which wins.
 */
final class KafkaClientOptions {

    private static final String PREFIX = "kafka.";

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Kafka client properties, e.g. security.protocol, sasl.mechanism, sasl.jaas.config"
                    + " (also read: SPECOPS_KAFKA_* environment variables).")
    Path commandConfig;

    /** The client settings; {@code bootstrap.servers} is left to {@link KafkaOptions}. */
    Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        ConfigSources.fromEnvironment(System.getenv()).forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                config.put(key.substring(PREFIX.length()), value);
            }
        });
        if (commandConfig != null) {
            config.putAll(ConfigSources.readProperties(commandConfig));
        }
        config.remove("bootstrap.servers");
        return config;
    }
}
