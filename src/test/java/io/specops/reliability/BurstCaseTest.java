package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 7, short: 200 prompts at once to one worker process with the heap and memory limits of k8s/.
 * The worker takes on at most 8 prompts ahead of its decoding thread and polls at most 20 records at a
 * time, so its backlog must stay within 8 + 20 + 1 running, far below the 131 it reached when it took
 * on every prompt it could poll, and the rest of the burst must show as consumer lag on the topic.
 */
class BurstCaseTest {

    @TempDir
    Path directory;

    @Test
    void a_burst_is_answered_in_full_within_the_heap_and_memory_limits() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = BurstCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new BurstCase.Settings(
                            7,
                            1,
                            200,
                            8,
                            "307m",
                            768L << 20,
                            Map.of("worker.max.waiting.prompts", "8", "kafka.consumer.max.poll.records", "20")));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            assertThat(report.answered()).isEqualTo(200);
            assertThat(report.lost()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.queueP99Millis()).isPositive();
            assertThat(result.lines()).anyMatch(line -> line.contains("high-water mark"));
            assertThat(result.lines()).anyMatch(line -> line.startsWith("backlog bound per worker: 29 "));
            // passed() also requires the backlog peak within that bound and lag seen after the send ended.
            assertThat(result.passed()).as(String.join("\n", result.lines())).isTrue();
        }
    }
}
