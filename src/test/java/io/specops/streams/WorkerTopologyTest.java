package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.TestModels;
import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.DrafterMode;
import io.specops.engine.Engine;
import io.specops.engine.NgramSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology on TopologyTestDriver, with the real model generating behind it. */
class WorkerTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Engine engine;

    private final Topics topics = Topics.defaults();
    private ExecutorService decodingThreads;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> prompts;
    private TestOutputTopic<byte[], byte[]> chunks;
    private TestOutputTopic<byte[], byte[]> completions;
    private TestOutputTopic<byte[], byte[]> metrics;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void startEngine() {
        engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @BeforeEach
    void startDriver() {
        decodingThreads = Executors.newFixedThreadPool(2);
        WorkerSettings settings = settings(2, 8);
        var topology = WorkerTopology.build(
                settings,
                Generator.of(engine),
                engine::encode,
                decodingThreads,
                new WorkerCounters(),
                RequestObserver.NONE,
                engine.ngrams(),
                () -> false,
                () -> GroupGenerations.UNKNOWN,
                () -> PartitionHold.NONE);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "worker-topology-test");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ttd-state");
        driver = new TopologyTestDriver(topology, properties);
        ByteArraySerializer out = new ByteArraySerializer();
        ByteArrayDeserializer in = new ByteArrayDeserializer();
        prompts = driver.createInputTopic(topics.prompts(), out, out);
        chunks = driver.createOutputTopic(topics.chunks(), in, in);
        completions = driver.createOutputTopic(topics.completions(), in, in);
        metrics = driver.createOutputTopic(topics.metrics(), in, in);
        deadLetters = driver.createOutputTopic(topics.promptsDlq(), in, in);
    }

    /** The settings every test here uses, with its own thread count and bound on waiting prompts. */
    private WorkerSettings settings(int generationThreads, int maxWaitingPrompts) {
        return new WorkerSettings(
                "test-worker",
                topics,
                new Limits(300, 256, 4096),
                8,
                Duration.ofMillis(20),
                Duration.ofMillis(5),
                generationThreads,
                maxWaitingPrompts,
                Duration.ofMinutes(10),
                Duration.ofMillis(50),
                DrafterMode.COMBINED,
                NgramSettings.DEFAULT);
    }

    @AfterEach
    void stopDriver() {
        driver.close();
        decodingThreads.shutdownNow();
    }

    private void send(String key, String json) {
        prompts.pipeInput(key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Advances wall-clock time until {@code count} terminal records have come out. */
    private List<JsonNode> awaitCompletions(int count) throws Exception {
        List<JsonNode> received = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            driver.advanceWallClockTime(Duration.ofMillis(5));
            for (byte[] value : completions.readValuesToList()) {
                received.add(JSON.readTree(value));
            }
            Thread.sleep(2);
        }
        assertThat(received).hasSize(count);
        return received;
    }

    private static List<JsonNode> parse(List<byte[]> values) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (byte[] value : values) {
            nodes.add(JSON.readTree(value));
        }
        return nodes;
    }

    @Test
    void a_prompt_streams_chunks_then_one_completion_equal_to_the_engine_output() throws Exception {
        send("r1", "{\"version\":1,\"request_id\":\"r1\",\"prompt\":\"Once upon a time\",\"max_tokens\":60}");

        JsonNode completion = awaitCompletions(1).get(0);
        Completion expected = engine.generate(
                GenerationRequest.greedy(engine.encode("Once upon a time"), 60), false, (text, ids) -> {});

        assertThat(completion.get("status").asText()).isEqualTo("finished");
        assertThat(completion.get("text").asText()).isEqualTo(expected.text());
        assertThat(completion.get("finish_reason").asText()).isEqualTo("length");
        List<JsonNode> streamed = parse(chunks.readValuesToList());
        assertThat(streamed).hasSizeGreaterThan(1);
        assertThat(streamed.stream().map(c -> c.get("delta").asText()).collect(Collectors.joining()))
                .isEqualTo(expected.text());
        for (int i = 0; i < streamed.size(); i++) {
            assertThat(streamed.get(i).get("seq").asInt()).isEqualTo(i);
            assertThat(streamed.get(i).get("id").asText()).isEqualTo("r1");
        }
        JsonNode last = streamed.get(streamed.size() - 1);
        assertThat(last.get("finish_reason").asText()).isEqualTo("length");
        assertThat(last.get("usage").get("completion_tokens").asInt()).isEqualTo(60);
        JsonNode metricsRecord = JSON.readTree(metrics.readValue());
        assertThat(metricsRecord.get("generated_tokens").asInt()).isEqualTo(60);
        assertThat(metricsRecord.get("worker_id").asText()).isEqualTo("test-worker");
        assertThat(metricsRecord.has("queue_time_ms")).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        KeyValueStoreAssert.assertEmpty(driver);
    }

    @Test
    void sampling_settings_and_stop_strings_reach_the_engine() throws Exception {
        send(
                "r2",
                "{\"version\":1,\"request_id\":\"r2\",\"prompt\":\"Lily and Tim\",\"max_tokens\":80,"
                        + "\"temperature\":0.8,\"top_p\":0.9,\"seed\":42,\"stop\":[\"park\"]}");

        JsonNode completion = awaitCompletions(1).get(0);
        Completion expected = engine.generate(
                new GenerationRequest(
                        engine.encode("Lily and Tim"), 80, new SamplingParams(0.8, 0.9, 0, 42), List.of("park")),
                false,
                (text, ids) -> {});
        assertThat(completion.get("text").asText()).isEqualTo(expected.text());
        assertThat(completion.get("finish_detail").asText())
                .isEqualTo(expected.finishReason().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void bad_records_get_an_error_completion_and_a_dead_letter_and_good_ones_still_complete() throws Exception {
        Map<String, String> bad = Map.of(
                "missing-prompt", "{\"version\":1,\"request_id\":\"missing-prompt\"}",
                "wrong-type", "{\"version\":1,\"request_id\":\"wrong-type\",\"prompt\":\"hi\",\"max_tokens\":\"ten\"}",
                "out-of-range", "{\"version\":1,\"request_id\":\"out-of-range\",\"prompt\":\"hi\",\"max_tokens\":0}",
                "too-long",
                        "{\"version\":1,\"request_id\":\"too-long\",\"prompt\":\""
                                + "The dog ran to the park. ".repeat(60) + "\"}");
        bad.forEach(this::send);
        send("malformed", "{\"version\":1,\"request_id\":");
        prompts.pipeInput("bytes".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28});
        send("good", "{\"version\":1,\"request_id\":\"good\",\"prompt\":\"Once upon a time\",\"max_tokens\":10}");

        List<JsonNode> terminal = awaitCompletions(5);
        Map<String, JsonNode> byId = terminal.stream()
                .collect(Collectors.toMap(n -> n.get("request_id").asText(), n -> n));
        assertThat(byId.get("good").get("status").asText()).isEqualTo("finished");
        assertThat(byId.get("missing-prompt").get("error").get("message").asText())
                .isEqualTo("prompt is required");
        assertThat(byId.get("wrong-type").get("error").get("message").asText())
                .isEqualTo("max_tokens must be an integer but was \"ten\"");
        assertThat(byId.get("out-of-range").get("error").get("message").asText())
                .isEqualTo("max_tokens must be in [1, 256] but was 0");
        assertThat(byId.get("too-long").get("error").get("message").asText())
                .matches("prompt is \\d+ tokens but limits.prompt.tokens is 300");
        for (String id : bad.keySet()) {
            assertThat(byId.get(id).get("status").asText()).isEqualTo("failed");
            assertThat(byId.get(id).get("finish_reason").asText()).isEqualTo("error");
        }

        List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
        assertThat(letters).hasSize(6);
        TestRecord<byte[], byte[]> notUtf8 = letters.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("bytes"))
                .findFirst()
                .orElseThrow();
        assertThat(notUtf8.value()).containsExactly((byte) 0xC3, (byte) 0x28);
        assertThat(header(notUtf8, "specops.error.code")).isEqualTo("not_utf8");
        assertThat(header(notUtf8, "specops.source.topic")).isEqualTo(topics.prompts());
        assertThat(header(notUtf8, "specops.source.offset")).isEqualTo("5");
        TestRecord<byte[], byte[]> malformed = letters.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("malformed"))
                .findFirst()
                .orElseThrow();
        assertThat(header(malformed, "specops.error.code")).isEqualTo("malformed_json");
        assertThat(header(malformed, "specops.error.reason")).startsWith("record value is not JSON");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The in-flight store is empty once every prompt has been answered. */
    @Test
    void a_replayed_record_of_an_answered_prompt_is_not_answered_again_until_the_retention_ends() throws Exception {
        String prompt = "{\"version\":1,\"request_id\":\"again\",\"prompt\":\"Once upon a time\",\"max_tokens\":8}";
        send("again", prompt);
        assertThat(awaitCompletions(1).get(0).get("attempt").asInt()).isZero();
        chunks.readValuesToList();

        send("again", prompt); // as after a crash before the input offset was committed
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        Thread.sleep(200);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(completions.isEmpty()).isTrue();
        assertThat(chunks.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(11)); // past the ten-minute retention
        send("again", prompt);
        assertThat(awaitCompletions(1).get(0).get("status").asText()).isEqualTo("finished");
    }

    /**
     * With one decoding thread held up and room for two waiting prompts, the third prompt holds the
     * partition back; once the generations run and fewer than two wait, the partition is released.
     */
    @Test
    void the_prompt_partition_is_held_back_while_enough_prompts_wait_and_released_after() throws Exception {
        CountDownLatch generationsMayRun = new CountDownLatch(1);
        Generator heldUp = (request, drafter, listener) -> {
            try {
                generationsMayRun.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted before generating", e);
            }
            return engine.generate(request, drafter, listener);
        };
        List<String> holds = new CopyOnWriteArrayList<>();
        PartitionHold recorded = new PartitionHold() {
            @Override
            public void holdBack(TopicPartition partition) {
                holds.add("hold " + partition);
            }

            @Override
            public void release(TopicPartition partition) {
                holds.add("release " + partition);
            }

            @Override
            public void forget(TopicPartition partition) {
                holds.add("forget " + partition);
            }
        };
        WorkerSettings settings = settings(1, 2);
        WorkerCounters counters = new WorkerCounters();
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "worker-topology-hold-test");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ttd-hold-state");
        var topology = WorkerTopology.build(
                settings,
                heldUp,
                engine::encode,
                oneThread,
                counters,
                RequestObserver.NONE,
                engine.ngrams(),
                () -> false,
                () -> GroupGenerations.UNKNOWN,
                () -> recorded);
        String partition = topics.prompts() + "-0";
        try (TopologyTestDriver holdDriver = new TopologyTestDriver(topology, properties)) {
            ByteArraySerializer out = new ByteArraySerializer();
            TestInputTopic<byte[], byte[]> input = holdDriver.createInputTopic(topics.prompts(), out, out);
            TestOutputTopic<byte[], byte[]> answers = holdDriver.createOutputTopic(
                    topics.completions(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            for (String id : List.of("w1", "w2", "w3")) {
                String prompt = "{\"version\":1,\"request_id\":\"" + id + "\",\"prompt\":\"Once upon a time\","
                        + "\"max_tokens\":8}";
                input.pipeInput(id.getBytes(StandardCharsets.UTF_8), prompt.getBytes(StandardCharsets.UTF_8));
                // w1 runs (held up), w2 waits: one waiting prompt is below the bound.
                if (id.equals("w2")) {
                    assertThat(holds).isEmpty();
                }
            }
            assertThat(holds).containsExactly("hold " + partition);
            assertThat(counters.waiting.get()).isEqualTo(2);
            assertThat(counters.heldBackPartitions.get()).isEqualTo(1);

            generationsMayRun.countDown();
            int answered = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answered < 3 && System.nanoTime() < deadline) {
                holdDriver.advanceWallClockTime(Duration.ofMillis(5));
                answered += answers.readValuesToList().size();
                Thread.sleep(2);
            }
            assertThat(answered).isEqualTo(3);
            assertThat(holds).containsExactly("hold " + partition, "release " + partition);
            assertThat(counters.waiting.get()).isZero();
            assertThat(counters.heldBackPartitions.get()).isZero();
        } finally {
            oneThread.shutdownNow();
        }
    }

    static final class KeyValueStoreAssert {
        static void assertEmpty(TopologyTestDriver driver) {
            var store = driver.getKeyValueStore(WorkerTopology.IN_FLIGHT_STORE);
            try (var all = store.all()) {
                assertThat(all.hasNext()).isFalse();
            }
        }
    }
}
