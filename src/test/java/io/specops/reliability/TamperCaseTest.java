package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case 8: worker processes on tampered model copies refuse to start and never turn ready. */
class TamperCaseTest {

    @TempDir
    Path directory;

    @Test
    void tampered_models_are_refused_with_the_file_named_and_never_ready() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"))) {
            CaseResult result = TamperCase.run(kafka.bootstrapServers(), TestModels.stories(), directory);
            System.out.print(result.text());

            assertThat(result.lines()).hasSize(4);
            for (String line : result.lines().subList(0, 3)) {
                assertThat(line)
                        .contains("exit code 1;")
                        .contains("readiness ever true: false")
                        .contains("message names [")
                        .doesNotContain("message names not");
            }
            assertThat(result.lines().get(3)).contains("readiness true: true");
            assertThat(result.passed()).isTrue();
        }
    }
}
