package io.specops.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.streams.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the chunks and completions topics while a case runs, so the case can time its faults
 * against the load (kill once a quarter of a burst is answered, the worker that has the most of it
 * left, while it streams). The verdict comes from {@link OutputSnapshot}, not from here. Close it.
 */
public final class Progress implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final Set<String> streamed = ConcurrentHashMap.newKeySet();
    /** Completions partition to the worker that wrote its latest terminal record. */
    private final Map<Integer, String> answeringWorker = new ConcurrentHashMap<>();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final String completionsTopic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;

    public Progress(String bootstrapServers, Topics topics, Map<String, Object> clientConfig) {
        this.completionsTopic = topics.completions();
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = Stream.of(topics.chunks(), topics.completions())
                .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream())
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.reader = new Thread(this::read, "reliability-progress");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (running.get()) {
            try {
                consumer.poll(Duration.ofMillis(50)).forEach(this::record);
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // A broker bounce interrupts the read; the consumer reconnects on the next poll.
            }
        }
    }

    private void record(ConsumerRecord<byte[], byte[]> record) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (!record.topic().equals(completionsTopic)) {
            streamed.add(key);
            return;
        }
        answered.add(key);
        try {
            String worker = JSON.readTree(record.value()).path("worker_id").asText("");
            if (!worker.isEmpty()) {
                answeringWorker.put(record.partition(), worker);
            }
        } catch (IOException e) {
            // Not a completion this harness wrote; the verifier reports it.
        }
    }

    /**
     * The worker among {@code candidates} that owns the most unanswered prompts of {@code sent},
     * judged by which worker last answered on each prompt's partition (the prompts and completions
     * topics have the same partitions and keys, so a request's answer lands on its prompt's
     * partition). Empty while no candidate has answered anything on a partition with work left.
     */
    public Optional<String> busiestOf(List<String> candidates, List<Driver.Sent> sent) {
        Map<String, Integer> left = new HashMap<>();
        for (Driver.Sent prompt : sent) {
            String owner = answeringWorker.get(prompt.partition());
            if (!answered.contains(prompt.key()) && owner != null && candidates.contains(owner)) {
                left.merge(owner, 1, Integer::sum);
            }
        }
        return left.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /**
     * Waits until {@code worker} streams one of {@code sent}: a prompt on a partition it answered
     * on last has chunks and no terminal record yet. False if the time ran out.
     */
    public boolean awaitStreaming(String worker, List<Driver.Sent> sent, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sent.stream()
                .noneMatch(prompt -> worker.equals(answeringWorker.get(prompt.partition()))
                        && streamed.contains(prompt.key())
                        && !answered.contains(prompt.key()))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** How many of {@code ids} have a terminal record so far. */
    public int answered(Set<String> ids) {
        int count = 0;
        for (String id : ids) {
            if (answered.contains(id)) {
                count++;
            }
        }
        return count;
    }

    /** Waits until at least {@code count} of {@code ids} are answered; false if the time ran out. */
    public boolean await(Set<String> ids, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered(ids) < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
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
    }
}
