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

/** Case 7, short: 200 prompts at once to one worker process with the heap and memory limits of k8s/. */
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
                    new BurstCase.Settings(7, 1, 200, 8, "307m", 768L << 20, Map.of()));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            assertThat(report.answered()).isEqualTo(200);
            assertThat(report.lost()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.queueP99Millis()).isPositive();
            assertThat(result.lines()).anyMatch(line -> line.contains("high-water mark"));
            assertThat(result.passed()).as(String.join("\n", result.lines())).isTrue();
        }
    }
}
