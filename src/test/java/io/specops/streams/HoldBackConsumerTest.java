package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The main-consumer wrapper alone, on Kafka's MockConsumer, called as Kafka Streams calls it. */
class HoldBackConsumerTest {

    private static final TopicPartition PROMPTS_0 = new TopicPartition("prompts", 0);
    private static final TopicPartition PROMPTS_1 = new TopicPartition("prompts", 1);
    private static final TopicPartition DELTAS_0 = new TopicPartition("ngram-deltas", 0);
    private static final List<TopicPartition> ASSIGNMENT = List.of(PROMPTS_0, PROMPTS_1, DELTAS_0);

    private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
    private final HoldBackConsumer consumer = new HoldBackConsumer(mock);

    @BeforeEach
    void assign() {
        consumer.assign(ASSIGNMENT);
        mock.updateBeginningOffsets(Map.of(PROMPTS_0, 0L, PROMPTS_1, 0L, DELTAS_0, 0L));
    }

    @Test
    void a_held_partition_stays_paused_when_kafka_streams_resumes_everything() {
        consumer.holdBack(PROMPTS_0);
        assertThat(mock.paused()).containsExactly(PROMPTS_0);

        // As TaskManager does after a rebalance: pause all, then resume all once restored.
        consumer.pause(ASSIGNMENT);
        consumer.resume(ASSIGNMENT);

        assertThat(consumer.paused()).containsExactly(PROMPTS_0);
    }

    @Test
    void a_released_partition_is_fetched_again_and_resumes_normally_from_then_on() {
        consumer.holdBack(PROMPTS_0);
        consumer.holdBack(PROMPTS_1);

        consumer.release(PROMPTS_0);

        assertThat(mock.paused()).containsExactly(PROMPTS_1);
        // As StreamTask does for a full record queue: pause, then resume when it has room.
        consumer.pause(List.of(PROMPTS_0));
        consumer.resume(List.of(PROMPTS_0));
        assertThat(mock.paused()).containsExactly(PROMPTS_1);
    }

    @Test
    void a_forgotten_hold_leaves_the_partition_paused_until_kafka_streams_resumes_it() {
        consumer.holdBack(PROMPTS_0);

        consumer.forget(PROMPTS_0);

        assertThat(mock.paused()).containsExactly(PROMPTS_0);
        consumer.resume(List.of(PROMPTS_0));
        assertThat(mock.paused()).isEmpty();
    }

    @Test
    void releasing_a_partition_that_was_not_held_resumes_nothing() {
        consumer.pause(List.of(PROMPTS_1));

        consumer.release(PROMPTS_1);

        assertThat(mock.paused()).containsExactly(PROMPTS_1);
    }

    @Test
    void a_partition_that_is_not_assigned_is_neither_held_nor_resumed() {
        TopicPartition elsewhere = new TopicPartition("prompts", 5);

        consumer.holdBack(elsewhere);
        consumer.release(elsewhere);

        assertThat(mock.paused()).isEmpty();
    }

    @Test
    void every_other_call_reaches_the_wrapped_consumer() {
        mock.addRecord(new ConsumerRecord<>("prompts", 1, 0, new byte[] {1}, new byte[] {2}));
        mock.addRecord(new ConsumerRecord<>("prompts", 0, 0, new byte[] {3}, new byte[] {4}));
        consumer.holdBack(PROMPTS_0);

        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ZERO);

        assertThat(records.partitions()).containsExactly(PROMPTS_1);
        assertThat(consumer.assignment()).containsExactlyInAnyOrderElementsOf(ASSIGNMENT);
        assertThat(consumer.position(PROMPTS_1)).isEqualTo(1);
        assertThat(consumer.groupMetadata().groupId())
                .isEqualTo(mock.groupMetadata().groupId());
    }
}
