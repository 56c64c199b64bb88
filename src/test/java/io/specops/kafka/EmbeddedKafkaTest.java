package io.specops.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final String TOPIC = "prompts";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 100;

    @TempDir
    Path dataDirectory;

    @Test
    void read_committed_consumer_sees_exactly_the_committed_transaction_which_survives_a_restart() throws Exception {
        int port;
        int controllerPort;
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDirectory)) {
            port = kafka.port();
            controllerPort = kafka.controllerPort();
            clusterId = kafka.clusterId();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            createTopic(kafka, TOPIC, PARTITIONS);
            try (Admin admin = admin(kafka)) {
                assertThat(admin.describeTopics(List.of(TOPIC))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(TOPIC)
                                .partitions())
                        .hasSize(PARTITIONS);
            }

            try (KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i));
                }
                producer.commitTransaction();
                // Records of an aborted transaction are in the log too; a read_committed consumer must skip them.
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "aborted-" + i));
                }
                producer.flush();
                producer.abortTransaction();
            }

            List<ConsumerRecord<String, String>> records = readAll(kafka, TOPIC, PARTITIONS);
            Map<String, String> valuesByKey = records.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> a + "," + b));
            Map<String, String> expected =
                    IntStream.range(0, RECORDS).boxed().collect(Collectors.toMap(i -> "key-" + i, i -> "value-" + i));
            assertThat(records).hasSize(RECORDS);
            assertThat(valuesByKey).isEqualTo(expected);
            assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                    .as("the default partitioner spreads 100 keys over all partitions")
                    .isEqualTo(Set.of(0, 1, 2));
        }
        assertThat(dataDirectory.resolve("server.properties")).isRegularFile();
        assertThat(dataDirectory.resolve("kraft-combined-logs").resolve("meta.properties"))
                .isRegularFile();

        // A restart on the same directory and ports is the same cluster, with the same committed records.
        try (EmbeddedKafka restarted = EmbeddedKafka.builder()
                .dataDirectory(dataDirectory)
                .port(port)
                .controllerPort(controllerPort)
                .start()) {
            assertThat(restarted.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(restarted.clusterId()).isEqualTo(clusterId);
            assertThat(readAll(restarted, TOPIC, PARTITIONS)).hasSize(RECORDS);
        }
    }

    @Test
    void two_brokers_run_at_once_as_separate_clusters_and_temporary_data_is_deleted() throws Exception {
        Path firstDirectory;
        Path secondDirectory;
        try (EmbeddedKafka first = EmbeddedKafka.startTemporary();
                EmbeddedKafka second = EmbeddedKafka.startTemporary()) {
            firstDirectory = first.dataDirectory();
            secondDirectory = second.dataDirectory();
            assertThat(Set.of(first.port(), first.controllerPort(), second.port(), second.controllerPort()))
                    .hasSize(4);
            assertThat(first.clusterId()).isNotEqualTo(second.clusterId());
            assertThat(firstDirectory).isNotEqualTo(secondDirectory).isDirectory();

            createTopic(first, "only-on-first", 1);
            createTopic(second, "only-on-second", 2);
            try (Admin admin = admin(first)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactly("only-on-first");
            }
            try (Admin admin = admin(second)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactly("only-on-second");
            }
        }
        assertThat(firstDirectory).doesNotExist();
        assertThat(secondDirectory).doesNotExist();
    }

    @Test
    void properties_that_define_the_node_cannot_be_overridden() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
        assertThat(Files.exists(dataDirectory.resolve("server.properties"))).isFalse();
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static void createTopic(EmbeddedKafka kafka, String topic, int partitions) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafka kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(config);
    }

    /** Reads every partition from the start up to its last stable offset, with a read_committed consumer. */
    private static List<ConsumerRecord<String, String>> readAll(EmbeddedKafka kafka, String topic, int partitions) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<TopicPartition> assignment = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toList());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            // For read_committed, the end offsets are the last stable offsets: past every record we may see.
            Map<TopicPartition, Long> ends = consumer.endOffsets(assignment, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (assignment.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("read to the end within 30 s").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
