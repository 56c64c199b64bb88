package io.specops.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.specops.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What "verified" means: every file the loader reads was checked against the SHA256SUMS manifest. */
class ModelManifestTest {

    private static final List<String> STORIES_FILES =
            List.of("model.onnx", "tokenizer.json", "config.json", "generation_config.json");

    @TempDir
    Path directory;

    private void copy(Path from, List<String> files) throws IOException {
        for (String file : files) {
            Files.copy(from.resolve(file), directory.resolve(file));
        }
    }

    /** A manifest of {@code files} as sha256sum writes it. */
    private void writeManifest(List<String> files) throws IOException {
        String lines = files.stream()
                .map(file -> ModelFiles.sha256(directory.resolve(file)) + "  " + file + "\n")
                .collect(Collectors.joining());
        Files.writeString(directory.resolve("SHA256SUMS"), lines, StandardCharsets.UTF_8);
    }

    @Test
    void the_bundled_model_is_verified_against_its_manifest() {
        try (LoadedModel model = TestModels.load(TestModels.stories())) {
            assertThat(model.verified()).isTrue();
            assertThat(model.sha256())
                    .isEqualTo(ModelFiles.sha256(TestModels.stories().resolve("model.onnx")));
        }
    }

    @Test
    void a_directory_without_a_manifest_loads_unverified_with_the_model_sha256() throws IOException {
        copy(TestModels.stories(), STORIES_FILES);
        try (LoadedModel model = TestModels.load(directory)) {
            assertThat(model.verified()).isFalse();
            assertThat(model.sha256()).isEqualTo(ModelFiles.sha256(directory.resolve("model.onnx")));
        }
    }

    @Test
    void a_manifest_that_leaves_out_a_loaded_file_is_refused_with_the_command_that_fixes_it() throws IOException {
        copy(TestModels.stories(), STORIES_FILES);
        writeManifest(List.of("model.onnx", "config.json"));
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("does not list tokenizer.json, generation_config.json")
                .hasMessageContaining(
                        "sha256sum model.onnx tokenizer.json config.json generation_config.json > SHA256SUMS");
    }

    @Test
    void a_genai_layout_manifest_must_list_the_external_weights_and_genai_config() throws IOException {
        Path fixture = TestModels.tinyRandomFp16();
        copy(fixture, List.of("model.onnx", "model.onnx.data", "tokenizer.json", "genai_config.json"));
        writeManifest(List.of("model.onnx", "tokenizer.json"));
        assertThatThrownBy(() -> TestModels.load(directory))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("does not list model.onnx.data, genai_config.json");

        writeManifest(List.of("model.onnx", "model.onnx.data", "tokenizer.json", "genai_config.json"));
        try (LoadedModel model = TestModels.load(directory)) {
            assertThat(model.verified()).isTrue();
        }
    }

    @Test
    void require_manifest_refuses_a_directory_without_one_and_says_how_to_write_it_or_allow_it() throws IOException {
        copy(TestModels.stories(), STORIES_FILES);
        assertThatThrownBy(() -> LoadedModel.requireManifest(directory, "set allow.it=true"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no SHA256SUMS manifest")
                .hasMessageContaining("cd " + directory.toAbsolutePath().normalize()
                        + " && sha256sum model.onnx tokenizer.json config.json generation_config.json > SHA256SUMS")
                .hasMessageEndingWith("or set allow.it=true");

        writeManifest(STORIES_FILES);
        assertThatCode(() -> LoadedModel.requireManifest(directory, "set allow.it=true"))
                .doesNotThrowAnyException();
    }
}
