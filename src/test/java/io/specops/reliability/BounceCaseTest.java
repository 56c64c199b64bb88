package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case 4, short: the broker process is stopped once and killed once while a worker generates. */
class BounceCaseTest {

    @TempDir
    Path directory;

    @Test
    void broker_stopped_and_killed_under_load_loses_nothing_and_no_worker_fails() throws Exception {
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = BounceCase.run(
                    engine,
                    directory,
                    new BounceCase.Settings(3, 1, 2, Duration.ofSeconds(3), Duration.ofSeconds(1), 4, 32, Map.of()));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            assertThat(report.lost()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.answered()).isEqualTo(report.goodPrompts()).isPositive();
            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("bounce "))
                    .hasSize(2)
                    .satisfiesExactly(
                            stop -> assertThat(stop).contains("stopped (SIGTERM), exit code 143"),
                            kill -> assertThat(kill).contains("killed (SIGKILL), exit code 137"))
                    .noneMatch(line -> line.contains("output resumed never"));
            assertThat(result.lines()).contains("workers that entered ERROR: 0 []");
            assertThat(result.lines()).contains("workers not alive and RUNNING at the end: 0 []");
            assertThat(result.lines()).last().isEqualTo("ALL-RECORDS-DELIVERED");
            assertThat(result.passed()).isTrue();
        }
    }
}
