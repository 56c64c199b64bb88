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
 * Case 5, short: generations of several seconds each (16 at once on one worker) with the worker's
 * Kafka settings cause no rebalance once the group has settled.
 */
class LongGenerationCaseTest {

    @TempDir
    Path directory;

    @Test
    void long_generations_cause_no_unplanned_rebalance_with_the_worker_settings() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = LongGenerationCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new LongGenerationCase.Settings("worker-settings", 9, 1, 16, 2048, Map.of()));
            System.out.print(result.text());

            assertThat(result.report().lost()).isZero();
            assertThat(result.report().answered()).isEqualTo(16);
            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("unplanned rebalances"))
                    .singleElement()
                    .matches(line -> line.contains("settled): 0 "));
            assertThat(result.lines()).last().isEqualTo("ALL-RECORDS-DELIVERED");
            assertThat(result.passed()).isTrue();
        }
    }
}
