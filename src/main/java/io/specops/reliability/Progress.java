package io.specops.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the completions topic while a case runs, so the case can time its faults against the
 * load (kill once a quarter of a burst is answered). The verdict comes from {@link OutputSnapshot},
 * not from here. Close it.
 */
public final class Progress implements AutoCloseable {

    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;

    public Progress(String bootstrapServers, String completionsTopic, Map<String, Object> clientConfig) {
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(completionsTopic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(completionsTopic, info.partition()))
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
                consumer.poll(Duration.ofMillis(50))
                        .forEach(r -> answered.add(new String(r.key(), StandardCharsets.UTF_8)));
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // A broker bounce interrupts the read; the consumer reconnects on the next poll.
            }
        }
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
