package io.specops.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.specops.TestModels;
import io.specops.bench.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class CommandLineLengthTest {

    @TempDir
    Path directory;

    private Path commandLine(int bytes) throws Exception {
        Path file = directory.resolve("cmdline-" + bytes);
        Files.write(file, new byte[bytes]);
        return file;
    }

    @Test
    void a_command_line_up_to_the_longest_seen_to_load_passes_and_a_longer_one_is_refused() throws Exception {
        assertThatCode(() -> CommandLineLength.requireLoadable(commandLine(CommandLineLength.LONGEST_LOADED)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CommandLineLength.requireLoadable(commandLine(CommandLineLength.LONGEST_LOADED + 1)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("command line is 3981 bytes")
                .hasMessageContaining("SIGSEGV");
    }

    @Test
    void no_procfs_means_nothing_to_check() {
        assertThatCode(() -> CommandLineLength.requireLoadable(directory.resolve("missing")))
                .doesNotThrowAnyException();
    }

    /**
     * A real JVM with a 5000-byte system property on its command line: without the check it would
     * die with SIGSEGV (exit 139) as ONNX Runtime loads; with it, it exits 1 and says why.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void a_jvm_with_a_long_command_line_exits_with_the_reason_instead_of_crashing() throws Exception {
        Path err = directory.resolve("generate.err");
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dpadding=" + "x".repeat(5000),
                        "-cp",
                        WorkerProcess.ownClasspath(),
                        "io.specops.cli.Main",
                        "generate",
                        "--model",
                        TestModels.stories().toString(),
                        "--prompt",
                        "Once",
                        "--max-tokens",
                        "2"))
                .redirectOutput(directory.resolve("generate.out").toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(err, StandardCharsets.UTF_8))
                .contains("ONNX Runtime's native library kills the JVM (SIGSEGV)");
    }
}
