package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end path against the Apache Kafka container image. Runs where a Docker engine is
 * available and is skipped, not failed, where none is (the embedded-broker tests cover the same
 * path there).
 */
@Testcontainers(disabledWithoutDocker = true)
class WorkerTestcontainersTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    @TempDir
    Path directory;

    @Test
    void a_prompt_through_a_containerised_broker_completes_with_the_engine_output() throws Exception {
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            TopicSetup.ensure(KAFKA.getBootstrapServers(), Map.of(), Topics.defaults(), 3, (short) 1);
            try (Worker worker = WorkerHarness.startWorker(
                            WorkerHarness.workerConfig(KAFKA.getBootstrapServers(), directory, "tc", "tc"), engine);
                    SpecOpsClient client = new SpecOpsClient(KAFKA.getBootstrapServers())) {
                CompletionResult result = client.submit(PromptSpec.of("Once upon a time", 32))
                        .result()
                        .get(60, TimeUnit.SECONDS);
                String expected = engine.generate(
                                GenerationRequest.greedy(engine.encode("Once upon a time"), 32), false, (t, ids) -> {})
                        .text();
                assertThat(result.text()).isEqualTo(expected);
                assertThat(worker.counters().finished.get()).isEqualTo(1);
            }
        }
    }
}
