package io.specops.reliability;

import io.specops.bench.Workloads;
import io.specops.client.PromptSpec;
import io.specops.streams.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the prompts of a reliability run. The prompts are a pure function of the seed, so the
 * verifier can compute the text every one of them must come back with by running the engine itself;
 * they decode greedily for the same reason. Request ids are {@code <run>-<index>}, unique per run.
 * Close it.
 */
public final class Driver implements AutoCloseable {

    private static final List<String> NAMES = List.of("Lily", "Tim", "Max", "Sue", "Ben", "Mia", "Sam", "Zoe");
    private static final List<String> THINGS =
            List.of("a red ball", "a big tree", "a little bird", "a shiny car", "the park", "a cake", "the sea");

    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;

    public Driver(String bootstrapServers, Topics topics, Map<String, Object> clientConfig) {
        this.topics = topics;
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // Retried for as long as a broker bounce may take, so the driver itself never loses a prompt.
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** {@code count} greedy prompts for run {@code run}, the same for the same seed. */
    public static List<PromptSpec> prompts(String run, long seed, int count, int maxTokens) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> openers = Workloads.storyOpeners();
        List<PromptSpec> prompts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = openers.get(random.nextInt(openers.size())) + " " + NAMES.get(random.nextInt(NAMES.size()))
                    + " saw " + THINGS.get(random.nextInt(THINGS.size())) + ".";
            prompts.add(PromptSpec.of(text, maxTokens).withRequestId(run + "-" + i));
        }
        return prompts;
    }

    /** Sends every prompt, keyed as the client keys them, and waits until the broker has them all. */
    public List<Sent> send(List<PromptSpec> prompts) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(prompts.size());
        List<Long> sentAt = new ArrayList<>(prompts.size());
        for (PromptSpec prompt : prompts) {
            sentAt.add(System.currentTimeMillis());
            acks.add(producer.send(new ProducerRecord<>(topics.prompts(), utf8(prompt.key()), prompt.toJson())));
        }
        List<Sent> sent = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            RecordMetadata metadata = await(acks.get(i));
            sent.add(new Sent(prompts.get(i).requestId(), metadata.partition(), metadata.offset(), sentAt.get(i)));
        }
        return sent;
    }

    /** Sends a record as it is, for bad input; returns where it landed. */
    public Sent sendRaw(String key, byte[] value) throws InterruptedException {
        long now = System.currentTimeMillis();
        RecordMetadata metadata = await(producer.send(new ProducerRecord<>(topics.prompts(), utf8(key), value)));
        return new Sent(key, metadata.partition(), metadata.offset(), now);
    }

    private static RecordMetadata await(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            return ack.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not take a prompt: " + e, e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** One prompt record on the broker. */
    public record Sent(String key, int partition, long offset, long sentAtMillis) {}
}
