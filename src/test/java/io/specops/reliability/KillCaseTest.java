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

/** Case 1, short: three worker processes, three of them killed with SIGKILL while they generate. */
class KillCaseTest {

    @TempDir
    Path directory;

    @Test
    void killed_workers_lose_nothing_and_every_answer_is_the_engine_output() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = KillCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new KillCase.Settings(
                            7,
                            3,
                            3,
                            20,
                            200,
                            Map.of(
                                    "kafka.consumer.session.timeout.ms",
                                    "6000",
                                    "kafka.consumer.heartbeat.interval.ms",
                                    "1000")));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            assertThat(report.lost()).isZero();
            assertThat(report.conflicting()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.chunkFaults()).isZero();
            assertThat(report.answered()).isEqualTo(60);
            assertThat(report.retried())
                    .as("the kills must interrupt work in flight")
                    .isPositive();
            assertThat(report.failures()).isEmpty();
        }
    }
}
