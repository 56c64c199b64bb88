package io.specops.cli;

import io.specops.config.WorkerConfig;
import io.specops.streams.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the broker, before the worker loads its model, whether the worker's credentials and ACLs let
 * it in. Kafka Streams finds out later and less clearly: a rejected password ends the start with a
 * stack trace from the global store's thread, and a principal without an ACL for its group or topics
 * makes the stream thread fail, be replaced and fail again without end. Only a definite refusal
 * counts; a broker that does not answer in time is left to Kafka Streams, which waits for it.
 */
final class KafkaAccessCheck {

    private static final Logger log = LoggerFactory.getLogger(KafkaAccessCheck.class);

    private KafkaAccessCheck() {}

    /** Why the broker refuses this worker, or empty if it lets it in or does not answer within {@code timeout}. */
    static Optional<String> refusal(WorkerConfig config, Duration timeout) throws InterruptedException {
        Properties properties = new Properties();
        Set<String> adminKeys = AdminClientConfig.configNames();
        config.kafka().forEach((key, value) -> {
            if (adminKeys.contains(key)) {
                properties.put(key, value);
            }
        });
        properties.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaOptions.DEFAULT_BOOTSTRAP_SERVERS);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, config.workerId() + "-access-check");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        String where = "Kafka at " + properties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Topics topics = Topics.renamed(config.topicNames());
        List<String> names = List.of(
                topics.prompts(),
                topics.chunks(),
                topics.completions(),
                topics.metrics(),
                topics.promptsDlq(),
                topics.ngramDeltas(),
                topics.ngrams());
        long millis = timeout.toMillis();
        long startNanos = System.nanoTime();
        try (Admin admin = Admin.create(properties)) {
            List<Supplier<KafkaFuture<?>>> requests = List.of(
                    () -> admin.describeCluster().nodes(),
                    () -> admin.describeTopics(names).allTopicNames(),
                    () -> admin.describeConsumerGroups(List.of(config.applicationId()))
                            .all());
            for (Supplier<KafkaFuture<?>> request : requests) {
                try {
                    request.get().get(millis, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    Optional<String> refusal = explain(e.getCause(), where, config);
                    if (refusal.isPresent()) {
                        return refusal;
                    }
                    // Anything else (a missing topic, an old broker) is Kafka Streams' to report; ask the next.
                } catch (TimeoutException e) {
                    log.warn(
                            "{} did not answer the access check within {} s; Kafka Streams will keep trying",
                            where,
                            timeout.toSeconds());
                    return Optional.empty();
                }
            }
            log.info(
                    "{} lets the worker in: cluster, topics and group {} described in {} ms",
                    where,
                    config.applicationId(),
                    (System.nanoTime() - startNanos) / 1_000_000);
            return Optional.empty();
        } catch (KafkaException e) {
            log.warn("No access check: {}; Kafka Streams reports what it makes of the settings", e.toString());
            return Optional.empty();
        }
    }

    private static Optional<String> explain(Throwable cause, String where, WorkerConfig config) {
        if (cause instanceof AuthenticationException) {
            return Optional.of(where + " refused the worker's credentials (kafka.sasl.jaas.config,"
                    + " kafka.sasl.mechanism, kafka.security.protocol): " + cause.getMessage());
        }
        if (cause instanceof TopicAuthorizationException denied) {
            return Optional.of(where + " does not authorize the worker's principal for topics "
                    + denied.unauthorizedTopics() + "; it needs READ, WRITE, DESCRIBE and CREATE on the worker's"
                    + " topics and on those starting with worker.application.id (" + config.applicationId() + ")");
        }
        if (cause instanceof GroupAuthorizationException) {
            return Optional.of(where + " does not authorize the worker's principal for its consumer group "
                    + config.applicationId() + " (worker.application.id); it needs READ on that group");
        }
        return Optional.empty();
    }
}
