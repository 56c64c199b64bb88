package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.specops.TestModels;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker on a real broker, driven through the client like a user would. */
class WorkerEndToEndTest {

    @TempDir
    static Path directory;

    private static EmbeddedKafka kafka;
    private static Engine engine;
    private static Worker worker;
    private static SpecOpsClient client;
    private static final Topics TOPICS = Topics.defaults();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(directory.resolve("kafka"));
        TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), TOPICS, 3, (short) 1);
        engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT);
        worker = WorkerHarness.startWorker(
                WorkerHarness.workerConfig(kafka.bootstrapServers(), directory.resolve("state"), "w1", "e2e"), engine);
        client = new SpecOpsClient(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        client.close();
        worker.close();
        engine.close();
        kafka.close();
    }

    @Test
    void completions_equal_the_engine_output_for_the_same_prompt_and_settings() throws Exception {
        List<PromptSpec> prompts = List.of(
                PromptSpec.of("Once upon a time", 48),
                PromptSpec.of("Tom and Sue went to the beach", 40).withSampling(0.8, 0.9, 0, 7),
                PromptSpec.of("The cat sat on the mat. The cat sat on the mat.", 32)
                        .withSpeculation(false));
        List<StringBuilder> streamed = new ArrayList<>();
        List<CompletionResult> results = new ArrayList<>();
        for (PromptSpec prompt : prompts) {
            StringBuilder text = new StringBuilder();
            streamed.add(text);
            results.add(client.submit(prompt, text::append).result().get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < prompts.size(); i++) {
            PromptSpec prompt = prompts.get(i);
            Completion expected = engine.generate(
                    new GenerationRequest(
                            engine.encode(prompt.prompt()),
                            prompt.maxTokens(),
                            new SamplingParams(prompt.temperature(), prompt.topP(), prompt.topK(), prompt.seed()),
                            List.of()),
                    false,
                    (text, ids) -> {});
            CompletionResult result = results.get(i);
            assertThat(result.finished()).isTrue();
            assertThat(result.text()).isEqualTo(expected.text());
            assertThat(streamed.get(i).toString()).isEqualTo(expected.text());
            assertThat(result.record().get("usage").get("completion_tokens").asInt())
                    .isEqualTo(expected.stats().generatedTokens());
            assertThat(result.record().get("attempt").asInt())
                    .as("a run is numbered by the consumer-group generation, which starts at 1")
                    .isPositive();
        }
    }

    @Test
    void bad_input_is_answered_and_dead_lettered_and_later_prompts_still_complete() throws Exception {
        byte[] notJson = "{\"request_id\": \"half".getBytes(StandardCharsets.UTF_8);
        client.sendRaw("raw-1".getBytes(StandardCharsets.UTF_8), notJson);
        CompletionResult missingPrompt = client.submit(
                        new PromptSpec("bad-range", null, "hi", 0, 0.0, 1.0, 0, 0, List.of(), true))
                .result()
                .get(30, TimeUnit.SECONDS);
        CompletionResult good = client.submit(PromptSpec.of("Lily found a shiny red box", 16))
                .result()
                .get(30, TimeUnit.SECONDS);

        assertThat(missingPrompt.finished()).isFalse();
        assertThat(missingPrompt.errorMessage()).isEqualTo("max_tokens must be in [1, 2048] but was 0");
        assertThat(good.finished()).isTrue();
        List<ConsumerRecord<byte[], byte[]>> letters = WorkerHarness.readAll(
                kafka.bootstrapServers(), TOPICS.promptsDlq(), Duration.ofSeconds(20), records -> records.size() >= 2);
        assertThat(letters).extracting(WorkerHarness::key).contains("raw-1", "bad-range");
        ConsumerRecord<byte[], byte[]> raw = letters.stream()
                .filter(r -> WorkerHarness.key(r).equals("raw-1"))
                .findFirst()
                .orElseThrow();
        assertThat(raw.value()).isEqualTo(notJson);
        assertThat(new String(raw.headers().lastHeader("specops.error.code").value(), StandardCharsets.UTF_8))
                .isEqualTo("malformed_json");
        JsonNode metrics = WorkerHarness.readAll(
                        kafka.bootstrapServers(),
                        TOPICS.metrics(),
                        Duration.ofSeconds(20),
                        records -> records.stream()
                                .anyMatch(r -> WorkerHarness.key(r).equals(good.requestId())))
                .stream()
                .filter(r -> WorkerHarness.key(r).equals(good.requestId()))
                .map(WorkerHarness::json)
                .findFirst()
                .orElseThrow();
        assertThat(metrics.get("worker_id").asText()).isEqualTo("w1");
        assertThat(metrics.get("generated_tokens").asInt()).isEqualTo(16);
    }
}
