package io.specops.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.streams.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything on the output topics at one moment, read from the beginning by a consumer of its own
 * (no group, nothing committed), parsed into typed records in offset order per partition.
 */
public record OutputSnapshot(
        List<Terminal> terminals, List<Chunk> chunks, List<Metrics> metrics, List<DeadLetter> deadLetters) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public OutputSnapshot {
        terminals = List.copyOf(terminals);
        chunks = List.copyOf(chunks);
        metrics = List.copyOf(metrics);
        deadLetters = List.copyOf(deadLetters);
    }

    /** A completions record. */
    public record Terminal(
            String requestId,
            String status,
            String text,
            int attempt,
            String workerId,
            String errorCode,
            int partition,
            long offset,
            long timestampMillis) {}

    /** A chunks record. */
    public record Chunk(
            String requestId,
            int attempt,
            int seq,
            int textOffset,
            int tokenOffset,
            int tokenCount,
            String delta,
            String finishReason,
            int partition,
            long offset,
            long timestampMillis) {}

    /** A metrics record. */
    public record Metrics(String requestId, int attempt, String workerId, double queueMillis, long timestampMillis) {}

    /** A dead-letter record: the original key and the reason headers. */
    public record DeadLetter(String key, String code, String reason, long timestampMillis) {}

    /** Reads the four output topics from their beginning up to their current end. */
    public static OutputSnapshot read(String bootstrapServers, Topics topics, Map<String, Object> clientConfig) {
        List<Terminal> terminals = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(bootstrapServers, topics.completions(), clientConfig)) {
            JsonNode v = json(r);
            terminals.add(new Terminal(
                    key(r),
                    v.path("status").asText(),
                    v.path("text").asText(),
                    v.path("attempt").asInt(),
                    v.path("worker_id").asText(),
                    v.path("error").path("code").asText(null),
                    r.partition(),
                    r.offset(),
                    r.timestamp()));
        }
        List<Chunk> chunks = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(bootstrapServers, topics.chunks(), clientConfig)) {
            JsonNode v = json(r);
            chunks.add(new Chunk(
                    key(r),
                    v.path("attempt").asInt(),
                    v.path("seq").asInt(),
                    v.path("text_offset").asInt(),
                    v.path("token_offset").asInt(),
                    v.path("token_ids").size(),
                    v.path("delta").asText(),
                    v.path("finish_reason").isNull()
                            ? null
                            : v.path("finish_reason").asText(null),
                    r.partition(),
                    r.offset(),
                    r.timestamp()));
        }
        List<Metrics> metrics = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(bootstrapServers, topics.metrics(), clientConfig)) {
            JsonNode v = json(r);
            metrics.add(new Metrics(
                    key(r),
                    v.path("attempt").asInt(),
                    v.path("worker_id").asText(),
                    v.path("queue_time_ms").asDouble(),
                    r.timestamp()));
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(bootstrapServers, topics.promptsDlq(), clientConfig)) {
            deadLetters.add(new DeadLetter(
                    key(r), header(r, "specops.error.code"), header(r, "specops.error.reason"), r.timestamp()));
        }
        return new OutputSnapshot(terminals, chunks, metrics, deadLetters);
    }

    /**
     * Waits until the completions topic holds a terminal record for every id in {@code awaited}, or
     * {@code timeout} passes; returns the ids still missing.
     */
    public static Set<String> awaitTerminals(
            String bootstrapServers,
            Topics topics,
            Map<String, Object> clientConfig,
            Set<String> awaited,
            Duration timeout) {
        Set<String> missing = new HashSet<>(awaited);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, clientConfig)) {
            List<TopicPartition> partitions = partitions(consumer, topics.completions());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> missing.remove(key(r)));
            }
        }
        return missing;
    }

    /** Every record of {@code topic} up to the end offsets seen when the read began, in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> readTopic(
            String bootstrapServers, String topic, Map<String, Object> clientConfig) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, clientConfig)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey(), Duration.ofSeconds(30)) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, Map<String, Object> clientConfig) {
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            // An output record that is not JSON is a product bug; it must show up as a wrong record, not end the read.
            return JSON.createObjectNode().put("status", "not_json");
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
