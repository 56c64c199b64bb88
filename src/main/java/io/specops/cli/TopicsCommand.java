package io.specops.cli;

import io.specops.streams.TopicSetup;
import io.specops.streams.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code topics}: creates the worker's topics from {@code topics/}; existing ones are reported, not changed. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create the worker's topics (idempotent).")
final class TopicsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    KafkaClientOptions clientOptions;

    @Option(names = "--partitions", defaultValue = "0", description = "Override the partition count (0 = as defined).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "0",
            description = "Override the replication (0 = as defined).")
    short replication;

    @Override
    public Integer call() throws InterruptedException {
        for (TopicSetup.Outcome outcome : TopicSetup.ensure(
                kafka.resolve(), clientOptions.config(), Topics.defaults(), partitions, replication)) {
            System.out.printf(
                    "%-8s %s (%d partitions)%n",
                    outcome.created() ? "created" : "exists", outcome.topic(), outcome.partitions());
        }
        return 0;
    }
}
