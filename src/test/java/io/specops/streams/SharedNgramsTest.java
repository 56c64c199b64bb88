package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.specops.TestModels;
import io.specops.client.CompletionHandle;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The n-gram statistics are shared: what worker A learned from a request drafts that request's
 * continuation on worker B, and after every worker stops, a new one gets them back from Kafka.
 */
class SharedNgramsTest {

    private static final String PROMPT = "Once upon a time, there was a little dog named Max.";
    private static final int MAX_TOKENS = 96;

    @TempDir
    Path directory;

    /** Sends the prompt drafting only from the shared statistics; returns its metrics record. */
    private static JsonNode serve(SpecOpsClient client, String requestId) throws Exception {
        PromptSpec spec = new PromptSpec(requestId, null, PROMPT, MAX_TOKENS, 0.0, 1.0, 0, 0, List.of(), true)
                .withDrafter("shared_ngrams");
        CompletionHandle handle = client.submit(spec);
        handle.result().get(60, TimeUnit.SECONDS);
        return handle.metrics().get(60, TimeUnit.SECONDS);
    }

    private static void awaitContexts(Engine engine, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (engine.ngrams().size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(engine.ngrams().size()).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void statistics_learned_on_one_worker_draft_on_another_and_survive_a_restart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"))) {
            TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), Topics.defaults(), 6, (short) 1);
            String workerOfFirst;
            double coldAcceptanceLength;
            double warmAcceptanceLength;
            int contexts;
            try (Engine engineA = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT);
                    Engine engineB = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT);
                    Worker a = worker(kafka, "a", engineA);
                    Worker b = worker(kafka, "b", engineB);
                    SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
                a.awaitRunning(Duration.ofSeconds(60));
                b.awaitRunning(Duration.ofSeconds(60));
                JsonNode cold = serve(client, "cold");
                workerOfFirst = cold.get("worker_id").asText();
                coldAcceptanceLength = cold.get("mean_acceptance_length").asDouble();
                contexts = MAX_TOKENS / 2;
                Engine other = workerOfFirst.equals("a") ? engineB : engineA;
                awaitContexts(other, contexts);

                // Request ids decide the partition and so the worker: send until the other worker serves one.
                JsonNode warm = null;
                for (int i = 0; i < 20 && warm == null; i++) {
                    JsonNode served = serve(client, "again-" + i);
                    if (!served.get("worker_id").asText().equals(workerOfFirst)) {
                        warm = served;
                    }
                }
                assertThat(warm).as("a repeat served by the other worker").isNotNull();
                warmAcceptanceLength = warm.get("mean_acceptance_length").asDouble();
                assertThat(warm.get("acceptance_rate").asDouble())
                        .isGreaterThan(cold.get("acceptance_rate").asDouble());
                assertThat(warmAcceptanceLength).isGreaterThan(coldAcceptanceLength + 3);
                contexts = awaitSettled(other);
            }

            // Every worker is gone. A new one, with an empty state directory, restores from the topic.
            try (Engine engineC = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT);
                    Worker c = worker(kafka, "c", engineC);
                    SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
                c.awaitRunning(Duration.ofSeconds(60));
                assertThat(engineC.ngrams().size()).isEqualTo(contexts);
                JsonNode afterRestart = serve(client, "after-restart");
                assertThat(afterRestart.get("mean_acceptance_length").asDouble())
                        .isGreaterThan(coldAcceptanceLength + 3);
            }
        }
    }

    /** Waits until the table has stopped growing (the last deltas were merged and read back). */
    private static int awaitSettled(Engine engine) throws InterruptedException {
        int size = engine.ngrams().size();
        long stableSince = System.nanoTime();
        long deadline = stableSince + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - stableSince < Duration.ofSeconds(2).toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            int now = engine.ngrams().size();
            if (now != size) {
                size = now;
                stableSince = System.nanoTime();
            }
        }
        return size;
    }

    private Worker worker(EmbeddedKafka kafka, String id, Engine engine) {
        return new Worker(
                        WorkerHarness.workerConfig(
                                kafka.bootstrapServers(), directory.resolve("state-" + id), id, "shared-ngrams"),
                        engine)
                .start();
    }
}
