package io.specops.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.specops.TestModels;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.PromptTooLongException;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a model directory can be unusable is refused with a message that says what to do. */
class ModelLoadingErrorsTest {

    private static final String MODEL_SHA256 = "4294de682229001cba56867bb7e417973078d869f535b4fcc191922222ce9884";

    @TempDir
    Path directory;

    private void copyStories(String... files) throws IOException {
        for (String file : files) {
            Files.copy(
                    TestModels.stories().resolve(file), directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void copyAll() throws IOException {
        copyStories("model.onnx", "tokenizer.json", "config.json", "generation_config.json");
    }

    @Test
    void missing_directory_is_named() {
        Path missing = directory.resolve("nowhere");
        assertThatThrownBy(() -> TestModels.load(missing))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void missing_model_file_is_named() throws IOException {
        copyStories("tokenizer.json", "config.json");
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no model.onnx");
    }

    @Test
    void missing_tokenizer_is_named() throws IOException {
        copyStories("model.onnx", "config.json");
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no tokenizer.json");
    }

    @Test
    void missing_configuration_is_named() throws IOException {
        copyStories("model.onnx", "tokenizer.json");
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("neither genai_config.json nor config.json");
    }

    @Test
    void a_file_that_is_not_onnx_is_refused_by_the_runtime_with_its_path() throws IOException {
        copyAll();
        Files.writeString(directory.resolve("model.onnx"), "not a model");
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("ONNX Runtime cannot load")
                .hasMessageContaining("model.onnx");
    }

    @Test
    void manifest_mismatch_names_the_file_and_both_sums() throws IOException {
        copyAll();
        String wrong = "0".repeat(64);
        Files.writeString(directory.resolve("SHA256SUMS"), wrong + "  model.onnx\n");
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("expects " + wrong)
                .hasMessageContaining("has " + MODEL_SHA256);
    }

    @Test
    void a_matching_manifest_loads() throws IOException {
        copyAll();
        Files.copy(TestModels.stories().resolve("SHA256SUMS"), directory.resolve("SHA256SUMS"));
        try (LoadedModel model = TestModels.load(directory)) {
            assertThat(model.sha256()).isEqualTo(MODEL_SHA256);
            assertThat(model.verified()).isTrue();
        }
    }

    @Test
    void a_linked_model_file_is_refused() throws IOException {
        copyStories("tokenizer.json", "config.json");
        Files.createSymbolicLink(
                directory.resolve("model.onnx"), TestModels.stories().resolve("model.onnx"));
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void a_manifest_path_outside_the_directory_is_refused() throws IOException {
        copyAll();
        Files.writeString(directory.resolve("SHA256SUMS"), MODEL_SHA256 + "  ../model.onnx\n");
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("outside the model directory");
    }

    @Test
    void a_prompt_longer_than_the_context_says_how_long_it_may_be() {
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            int[] prompt = engine.encode("The dog ran to the park. ".repeat(80));
            assertThat(prompt.length).isGreaterThan(512);
            assertThatThrownBy(() -> engine.generate(GenerationRequest.greedy(prompt, 10), true, (t, ids) -> {}))
                    .isInstanceOf(PromptTooLongException.class)
                    .hasMessageContaining("prompt is " + prompt.length + " tokens")
                    .hasMessageContaining("at most 511 tokens");
        }
    }
}
