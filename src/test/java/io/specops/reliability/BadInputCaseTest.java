package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case 6, short: 60 good prompts with two bad records of each kind, on two in-process workers. */
class BadInputCaseTest {

    @TempDir
    Path directory;

    @Test
    void bad_records_are_answered_and_dead_lettered_while_good_ones_complete() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            // Throughput over 60 short prompts on a shared 2-core machine is noisy: the short run only
            // catches a gross slowdown (a stalled stream thread); the long run holds the 10% bound.
            CaseResult result = BadInputCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new BadInputCase.Settings(11, 2, 60, 2, 32, 0.5, 1));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            int kinds = BadInput.values().length;
            long answerable = java.util.Arrays.stream(BadInput.values())
                    .filter(BadInput::answerable)
                    .count();
            assertThat(report.answered()).isEqualTo(60);
            assertThat(report.lost()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.deadLetters()).isEqualTo(2 * kinds);
            assertThat(report.deadLetterFaults()).isZero();
            assertThat(report.errorCompletions()).isEqualTo(2 * answerable);
            assertThat(report.errorCompletionFaults()).isZero();
            assertThat(result.lines()).last().isEqualTo("ALL-RECORDS-DELIVERED");
            assertThat(result.passed()).isTrue();
        }
    }
}
