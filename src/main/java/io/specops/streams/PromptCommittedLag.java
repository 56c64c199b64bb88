package io.specops.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, every interval on its own thread, the committed lag of the prompt partitions this worker
 * owns: each partition's log end offset less the consumer group's committed offset, as KEDA's Kafka
 * scaler computes it. The consumer's own {@code records-lag} is measured from its fetch position, and
 * the consumer fetches ahead and keeps what it fetched while the worker holds a partition back, so
 * that series misses the backlog the hold leaves on the topic; this one counts it.
 *
 * <p>A partition without a committed offset counts from its log start offset, where Kafka Streams
 * (whose {@code auto.offset.reset} is {@code earliest}) would begin reading it. A failed read leaves
 * the last figures in place: the gauge then shows a stale backlog rather than none, and a worker
 * with no broker has no fresh one to show.
 */
final class PromptCommittedLag implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PromptCommittedLag.class);

    /** Longest wait for one admin answer; a slower broker is asked again at the next interval. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String groupId;
    private final String promptsTopic;
    private final Duration interval;
    private final Supplier<Set<TopicPartition>> ownedPartitions;
    private final Properties adminProperties;
    private volatile Map<Integer, Long> lagByPartition = Map.of();
    private Admin admin;
    private ScheduledExecutorService thread;
    // Touched only by the reading thread: a broker that stays away is reported once, not every interval.
    private boolean failing;

    /**
     * @param streamsProperties the worker's Kafka Streams properties; the admin client takes their
     *     client settings (bootstrap servers, security, {@code admin.}-prefixed overrides)
     * @param ownedPartitions the topic partitions of this worker's active tasks, safe to call from
     *     any thread
     */
    PromptCommittedLag(
            Properties streamsProperties,
            String promptsTopic,
            Duration interval,
            Supplier<Set<TopicPartition>> ownedPartitions) {
        this.groupId = streamsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        this.promptsTopic = promptsTopic;
        this.interval = interval;
        this.ownedPartitions = ownedPartitions;
        this.adminProperties = adminProperties(streamsProperties);
    }

    /**
     * The admin client settings among the Streams properties: every admin key as given, then the
     * {@code admin.}-prefixed ones, which Kafka Streams also applies to its own admin client.
     */
    static Properties adminProperties(Properties streamsProperties) {
        Properties properties = new Properties();
        Set<String> adminKeys = AdminClientConfig.configNames();
        streamsProperties.forEach((key, value) -> {
            if (adminKeys.contains(key.toString())) {
                properties.put(key, value);
            }
        });
        streamsProperties.forEach((key, value) -> {
            String name = key.toString();
            if (name.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                String adminKey = name.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length());
                if (adminKeys.contains(adminKey)) {
                    properties.put(adminKey, value);
                }
            }
        });
        Object clientId = streamsProperties.get(StreamsConfig.CLIENT_ID_CONFIG);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-committed-lag");
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
        return properties;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        Admin client = Admin.create(adminProperties);
        admin = client;
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread reader = new Thread(runnable, "committed-lag");
            reader.setDaemon(true);
            return reader;
        });
        // Fixed delay, not rate: a slow broker must not make the reads pile up.
        thread.scheduleWithFixedDelay(() -> refresh(client), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info(
                "Reading the committed lag of group {} on its owned {} partitions every {} ms",
                groupId,
                promptsTopic,
                interval.toMillis());
    }

    /** Partition number to committed lag, for the prompt partitions owned at the last successful read. */
    Map<Integer, Long> lagByPartition() {
        return lagByPartition;
    }

    private void refresh(Admin client) {
        try {
            lagByPartition = read(client);
            if (failing) {
                log.info("The committed lag of group {} is readable again", groupId);
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // A scheduled task that throws is never run again, so nothing may leave this method.
            if (failing) {
                log.debug("The committed lag of group {} is still not readable", groupId, e);
            } else {
                log.warn(
                        "Cannot read the committed lag of group {}; keeping the last figures until it can be read: {}",
                        groupId,
                        e.toString());
                failing = true;
            }
        }
    }

    private Map<Integer, Long> read(Admin client) throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> owned = ownedPartitions.get().stream()
                .filter(partition -> partition.topic().equals(promptsTopic))
                .toList();
        if (owned.isEmpty()) {
            return Map.of();
        }
        long timeoutMillis = READ_TIMEOUT.toMillis();
        Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(
                        Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(owned)))
                .partitionsToOffsetAndMetadata(groupId)
                .get(timeoutMillis, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                listOffsets(client, owned, OffsetSpec.latest(), timeoutMillis);
        List<TopicPartition> neverCommitted = owned.stream()
                .filter(partition -> committed.get(partition) == null)
                .toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = neverCommitted.isEmpty()
                ? Map.of()
                : listOffsets(client, neverCommitted, OffsetSpec.earliest(), timeoutMillis);
        Map<Integer, Long> lag = new TreeMap<>();
        for (TopicPartition partition : owned) {
            long end = ends.get(partition).offset();
            OffsetAndMetadata offset = committed.get(partition);
            long from = offset == null ? starts.get(partition).offset() : offset.offset();
            lag.put(partition.partition(), Math.max(0, end - from));
        }
        log.debug("Committed lag of group {} on {}: {}", groupId, promptsTopic, lag);
        return Map.copyOf(lag);
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> listOffsets(
            Admin client, List<TopicPartition> partitions, OffsetSpec spec, long timeoutMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        return client.listOffsets(request).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            admin.close(Duration.ofSeconds(5));
            thread = null;
            admin = null;
        }
        lagByPartition = Map.of();
    }
}
