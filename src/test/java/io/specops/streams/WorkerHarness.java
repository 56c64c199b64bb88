package io.specops.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.config.SpecOpsConfig;
import io.specops.config.WorkerConfig;
import io.specops.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Workers and topic readers against a real broker, for the integration tests. */
final class WorkerHarness {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerHarness() {}

    static WorkerConfig workerConfig(
            String bootstrapServers, Path stateDirectory, String workerId, String applicationId) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", bootstrapServers);
        settings.put("worker.application.id", applicationId);
        settings.put("worker.id", workerId);
        settings.put("worker.state.dir", stateDirectory.toString());
        settings.put("worker.generation.threads", "1");
        settings.put("worker.chunk.tokens", "8");
        settings.put("worker.drain.timeout.ms", "10000");
        settings.put("metrics.port", "-1");
        return SpecOpsConfig.from(settings).worker();
    }

    static Worker startWorker(WorkerConfig config, Engine engine) throws InterruptedException {
        Worker worker = new Worker(config, engine).start();
        worker.awaitRunning(Duration.ofSeconds(60));
        return worker;
    }

    /** Every record of {@code topic} from the beginning, read until {@code done} holds or the time is up. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrapServers,
            String topic,
            Duration timeout,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }
}
