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

/** Case 3, short: two of three worker processes get SIGTERM while they generate. */
class SigtermCaseTest {

    @TempDir
    Path directory;

    @Test
    void sigterm_finishes_or_hands_over_every_generation_and_exits_cleanly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = SigtermCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new SigtermCase.Settings(3, 24, 96, Map.of("kafka.consumer.session.timeout.ms", "6000")));
            System.out.print(result.text());

            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("SIGTERM to"))
                    .hasSize(2)
                    .allMatch(line -> line.contains("exit code 143") || line.contains("exit code 0 "));
            assertThat(result.report().lost()).isZero();
            assertThat(result.report().answered()).isEqualTo(48);
            assertThat(result.lines()).last().isEqualTo("ALL-RECORDS-DELIVERED");
            assertThat(result.passed()).isTrue();
        }
    }
}
