package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.specops.TestModels;
import io.specops.bench.Workloads;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three workers in one consumer group share a 6-partition prompts topic. */
class ConsumerGroupScalingTest {

    private static final int PROMPTS = 300;
    private static final int MAX_TOKENS = 24;

    @TempDir
    Path directory;

    @Test
    void three_workers_answer_every_prompt_exactly_once_with_the_engine_output() throws Exception {
        Topics topics = Topics.defaults();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), topics, 6, (short) 1);
            List<Worker> workers = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    workers.add(new Worker(
                                    WorkerHarness.workerConfig(
                                            kafka.bootstrapServers(),
                                            directory.resolve("state-" + i),
                                            "w" + i,
                                            "scale"),
                                    engine)
                            .start());
                }
                for (Worker worker : workers) {
                    worker.awaitRunning(Duration.ofSeconds(60));
                }
                awaitStableAssignment(workers);

                List<String> openers = Workloads.storyOpeners();
                Map<String, String> promptById = new HashMap<>();
                List<CompletableFuture<CompletionResult>> results = new ArrayList<>();
                try (SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
                    for (int i = 0; i < PROMPTS; i++) {
                        String prompt = openers.get(i % openers.size()) + " " + (i / openers.size());
                        PromptSpec spec = PromptSpec.of(prompt, MAX_TOKENS).withRequestId("req-" + i);
                        promptById.put(spec.requestId(), prompt);
                        results.add(client.submit(spec).result());
                    }
                    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                            .get(5, TimeUnit.MINUTES);
                }

                for (CompletableFuture<CompletionResult> future : results) {
                    CompletionResult result = future.get();
                    String expected = engine.generate(
                                    GenerationRequest.greedy(
                                            engine.encode(promptById.get(result.requestId())), MAX_TOKENS),
                                    true,
                                    (text, ids) -> {})
                            .text();
                    assertThat(result.finished()).isTrue();
                    assertThat(result.text()).as(result.requestId()).isEqualTo(expected);
                }
                List<ConsumerRecord<byte[], byte[]>> terminal = WorkerHarness.readAll(
                        kafka.bootstrapServers(),
                        topics.completions(),
                        Duration.ofSeconds(30),
                        records -> records.size() >= PROMPTS);
                Map<String, Integer> terminalCount = new HashMap<>();
                terminal.forEach(r -> terminalCount.merge(WorkerHarness.key(r), 1, Integer::sum));
                assertThat(terminalCount).hasSize(PROMPTS);
                assertThat(terminalCount.values()).containsOnly(1);

                Set<String> servedBy = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : terminal) {
                    JsonNode completion = WorkerHarness.json(record);
                    servedBy.add(completion.get("worker_id").asText());
                }
                assertThat(servedBy).containsExactlyInAnyOrder("w1", "w2", "w3");
            } finally {
                workers.forEach(Worker::close);
            }
        }
    }

    /** Waits until every worker owns prompt partitions, so no rebalance happens while prompts flow. */
    private static void awaitStableAssignment(List<Worker> workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            int assigned = 0;
            for (Worker worker : workers) {
                assigned += worker.activeTasks();
            }
            boolean everyWorkerHasWork = workers.stream().allMatch(worker -> worker.activeTasks() > 0);
            if (assigned == 6
                    && everyWorkerHasWork
                    && workers.stream()
                            .allMatch(w -> w.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the three workers did not settle on an assignment of the 6 partitions");
    }
}
