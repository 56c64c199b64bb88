package io.specops.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.streams.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends prompts and follows their answers: each {@link #submit} returns a handle that streams the
 * text as chunks arrive and completes with the terminal record. One consumer thread reads the
 * chunks and completions topics from their end (positioned before any prompt is sent), so a client
 * sees the answers to its own prompts; it follows the metrics topic too, for each request's
 * statistics. Thread-safe; close it.
 */
public final class SpecOpsClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpecOpsClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, CompletionHandle> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    public SpecOpsClient(String bootstrapServers, Topics topics, Map<String, Object> extraConfig) {
        this.topics = topics;
        Properties producerProperties = new Properties();
        producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProperties.putAll(extraConfig);
        this.producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
        Properties consumerProperties = new Properties();
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        consumerProperties.putAll(extraConfig);
        try {
            this.consumer =
                    new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.chunks(), topics.completions(), topics.metrics())) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, before anything is sent
        } catch (RuntimeException e) {
            // A refused login or a missing topic: the clients would otherwise retry in the background forever.
            consumer.close();
            producer.close(Duration.ZERO);
            throw e;
        }
        this.reader = new Thread(this::readAnswers, "spec-ops-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public SpecOpsClient(String bootstrapServers) {
        this(bootstrapServers, Topics.defaults(), Map.of());
    }

    /** Sends the prompt; {@code onText} receives its text in order, each character once. */
    public CompletionHandle submit(PromptSpec prompt, Consumer<String> onText) {
        CompletionHandle handle = new CompletionHandle(prompt.requestId(), System.nanoTime(), onText);
        pending.put(prompt.requestId(), handle);
        producer.send(
                new ProducerRecord<>(topics.prompts(), prompt.key().getBytes(StandardCharsets.UTF_8), prompt.toJson()),
                (metadata, error) -> {
                    if (error != null) {
                        handle.fail(error);
                    }
                });
        // Forget the request once both of its last records arrived (a failed request has no metrics record).
        handle.result().whenComplete((result, error) -> {
            if (error != null || !result.finished() || handle.metrics().isDone()) {
                pending.remove(prompt.requestId());
            }
        });
        handle.metrics().whenComplete((metrics, error) -> {
            if (handle.result().isDone()) {
                pending.remove(prompt.requestId());
            }
        });
        return handle;
    }

    public CompletionHandle submit(PromptSpec prompt) {
        return submit(prompt, text -> {});
    }

    /** Sends raw bytes as a prompt record, for tests and tools that need malformed input. */
    public void sendRaw(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topics.prompts(), key, value));
        producer.flush();
    }

    private void readAnswers() {
        while (running.get()) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    dispatch(record);
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Reading answers failed: {}", e.toString());
            }
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        JsonNode value;
        try {
            value = JSON.readTree(record.value());
        } catch (IOException e) {
            log.warn(
                    "Ignoring a record that is not JSON at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        String requestId = new String(record.key(), StandardCharsets.UTF_8);
        CompletionHandle handle = pending.get(requestId);
        if (handle == null) {
            return;
        }
        if (record.topic().equals(topics.chunks())) {
            handle.onChunk(value);
        } else if (record.topic().equals(topics.metrics())) {
            handle.onMetrics(value);
        } else {
            handle.onTerminal(value);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close(Duration.ofSeconds(5));
    }
}
