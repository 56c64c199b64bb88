package io.specops.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the worker's topics from their definitions; topics that exist are left as they are. */
public final class TopicSetup {

    private TopicSetup() {}

    /** What happened to one topic. */
    public record Outcome(String topic, boolean created, int partitions) {}

    /**
     * Waits until every partition of every topic has a leader, so a worker started right after
     * creation finds them (a global store refuses to start on a topic without partitions).
     */
    private static void awaitLeaders(Admin admin, List<Outcome> outcomes)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = outcomes.stream().map(Outcome::topic).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                        .allMatch(topic -> !topic.partitions().isEmpty()
                                && topic.partitions().stream().allMatch(p -> p.leader() != null));
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " have no leaders after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /**
     * @param partitions overrides every definition's partition count when positive (the dead-letter
     *     topic keeps its own)
     */
    public static List<Outcome> ensure(
            String bootstrapServers, Map<String, Object> clientConfig, Topics topics, int partitions, short replication)
            throws InterruptedException {
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<Outcome> outcomes = new ArrayList<>();
        try (Admin admin = Admin.create(properties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (TopicDefinition definition : topics.definitions()) {
                boolean deadLetter = definition.file().equals(TopicDefinition.PROMPTS_DLQ);
                NewTopic topic = definition.toNewTopic(deadLetter ? 0 : partitions, replication);
                if (existing.contains(definition.name())) {
                    outcomes.add(new Outcome(definition.name(), false, topic.numPartitions()));
                    continue;
                }
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    outcomes.add(new Outcome(definition.name(), true, topic.numPartitions()));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + definition.name() + ": "
                                        + e.getCause().getMessage(),
                                e);
                    }
                    outcomes.add(new Outcome(definition.name(), false, topic.numPartitions()));
                }
            }
            awaitLeaders(admin, outcomes);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka at " + bootstrapServers + " to list topics: " + e.getMessage(), e);
        }
        return outcomes;
    }
}
