package io.specops.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Creates Kafka Streams' clients as its defaults would, and remembers each stream thread's main
 * consumer so that a processor can read the consumer-group generation its task was assigned in, and
 * hold back its input partition while the worker has enough prompts waiting ({@link HoldBackConsumer}).
 *
 * <p>The broker raises the generation at every rebalance, and a task only changes owner through a
 * rebalance, so a later owner of a task always sees a higher generation than any earlier owner.
 * That makes the generation a run number no crash can repeat, which a number kept in a state
 * store cannot promise: a store write still in the producer's buffer dies with the process.
 */
final class GroupGenerations implements KafkaClientSupplier {

    /** Returned where no generation is known (a topology test driver, or a thread this did not create). */
    static final int UNKNOWN = -1;

    /** Kafka Streams names a stream thread's main consumer after the thread, with this suffix. */
    private static final String MAIN_CONSUMER_SUFFIX = "-consumer";

    private final Map<String, HoldBackConsumer> mainConsumers = new ConcurrentHashMap<>();

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        HoldBackConsumer consumer = new HoldBackConsumer(newConsumer(config));
        mainConsumers.put(String.valueOf(config.get(ConsumerConfig.CLIENT_ID_CONFIG)), consumer);
        return consumer;
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return newConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return newConsumer(config);
    }

    /**
     * The generation of the calling stream thread's group membership, or {@link #UNKNOWN}. Call it
     * on a stream thread (from a processor's {@code init}): the consumer belongs to that thread.
     */
    int currentGeneration() {
        HoldBackConsumer consumer = currentMainConsumer();
        return consumer == null ? UNKNOWN : consumer.groupMetadata().generationId();
    }

    /**
     * What holds back the calling stream thread's input partitions, or {@link PartitionHold#NONE}.
     * Call it on a stream thread, and use the result only there.
     */
    PartitionHold currentPartitionHold() {
        HoldBackConsumer consumer = currentMainConsumer();
        return consumer == null ? PartitionHold.NONE : consumer;
    }

    private HoldBackConsumer currentMainConsumer() {
        return mainConsumers.get(Thread.currentThread().getName() + MAIN_CONSUMER_SUFFIX);
    }

    private static Consumer<byte[], byte[]> newConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
