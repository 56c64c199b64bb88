package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case 2, short: worker processes join one by one up to three, then leave one by one, under load. */
class ScaleCaseTest {

    @TempDir
    Path directory;

    @Test
    void workers_joining_and_leaving_under_load_lose_nothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = ScaleCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new ScaleCase.Settings(5, 3, Duration.ofSeconds(4), 4, 32, Map.of()));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            assertThat(report.lost()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.chunkFaults()).isZero();
            assertThat(report.answered()).isEqualTo(report.goodPrompts()).isPositive();
            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("added "))
                    .hasSize(2);
            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("removed "))
                    .hasSize(2)
                    .allMatch(line -> line.contains("exit code 143") || line.contains("exit code 0 "));
            // Joining and leaving members make the group rebalance; the case must have seen it happen.
            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("rebalances: "))
                    .singleElement()
                    .matches(line -> !line.startsWith("rebalances: 0 "));
            assertThat(result.lines()).contains("workers that entered ERROR: 0");
            assertThat(result.lines()).last().isEqualTo("ALL-RECORDS-DELIVERED");
            assertThat(result.passed()).isTrue();
        }
    }
}
