package io.specops.cli;

import picocli.CommandLine.Option;

/** Where the Kafka cluster is, for commands that talk to one. */
final class KafkaOptions {

    static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (default: kafka.bootstrap.servers from the configuration, else "
                    + DEFAULT_BOOTSTRAP_SERVERS + ").")
    String bootstrapServers;

    /** The flag, else $SPECOPS_KAFKA_BOOTSTRAP_SERVERS, else the default; for commands without a config file. */
    String resolve() {
        if (bootstrapServers != null) {
            return bootstrapServers;
        }
        String fromEnvironment = System.getenv("SPECOPS_KAFKA_BOOTSTRAP_SERVERS");
        return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : DEFAULT_BOOTSTRAP_SERVERS;
    }
}
