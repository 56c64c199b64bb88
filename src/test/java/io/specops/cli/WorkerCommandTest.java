package io.specops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The worker's start-up checks that end it before it loads a model or reaches Kafka. */
class WorkerCommandTest {

    @TempDir
    Path directory;

    @Test
    void a_model_directory_without_a_manifest_is_refused_unless_unverified_models_are_allowed() throws IOException {
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json", "generation_config.json")) {
            Files.copy(TestModels.stories().resolve(file), directory.resolve(file));
        }
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Main()).setErr(new PrintWriter(err, true));

        int exitCode = command.execute(
                "worker",
                "--model",
                directory.toString(),
                "--set",
                "metrics.port=-1",
                // Nothing listens there: the refusal must come before any connection is tried.
                "--set",
                "kafka.bootstrap.servers=127.0.0.1:1");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString())
                .contains("ModelLoadException")
                .contains("has no SHA256SUMS manifest")
                .contains("sha256sum model.onnx tokenizer.json config.json generation_config.json > SHA256SUMS")
                .contains("worker.allow.unverified.model=true");
    }
}
