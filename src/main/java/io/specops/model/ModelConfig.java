package io.specops.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the model directory's JSON says about the model: from {@code genai_config.json} (ONNX Runtime
 * GenAI exports) or from Hugging Face's {@code config.json} with {@code generation_config.json}.
 *
 * @param contextLength tokens the model can attend over
 * @param vocabSize logits per position
 * @param bosTokenId the begin-of-sequence id
 * @param endTokenIds ids that end a generation
 * @param genaiInputs input and output names declared by genai_config.json, if there is one
 */
record ModelConfig(
        int contextLength, int vocabSize, int bosTokenId, int[] endTokenIds, Optional<GenaiNames> genaiInputs) {

    /** Names from genai_config.json's decoder section; {@code %d} stands for the layer index. */
    record GenaiNames(
            String inputIds,
            String attentionMask,
            String positionIds,
            String pastKey,
            String pastValue,
            String logits,
            String presentKey,
            String presentValue) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static ModelConfig read(Path directory) {
        Path genai = directory.resolve("genai_config.json");
        if (Files.isRegularFile(genai)) {
            return fromGenai(readJson(genai));
        }
        Path config = directory.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new ModelLoadException("model directory " + directory
                    + " has neither genai_config.json nor config.json; add the configuration that was exported"
                    + " with model.onnx");
        }
        Path generation = directory.resolve("generation_config.json");
        JsonNode generationJson = Files.isRegularFile(generation) ? readJson(generation) : JSON.createObjectNode();
        return fromHuggingFace(readJson(config), generationJson, config);
    }

    private static ModelConfig fromGenai(JsonNode root) {
        JsonNode model = root.path("model");
        JsonNode decoder = model.path("decoder");
        JsonNode inputs = decoder.path("inputs");
        JsonNode outputs = decoder.path("outputs");
        GenaiNames names = new GenaiNames(
                inputs.path("input_ids").asText("input_ids"),
                inputs.path("attention_mask").asText("attention_mask"),
                inputs.path("position_ids").asText("position_ids"),
                inputs.path("past_key_names").asText("past_key_values.%d.key"),
                inputs.path("past_value_names").asText("past_key_values.%d.value"),
                outputs.path("logits").asText("logits"),
                outputs.path("present_key_names").asText("present.%d.key"),
                outputs.path("present_value_names").asText("present.%d.value"));
        return new ModelConfig(
                requiredInt(model, "context_length", "genai_config.json model"),
                requiredInt(model, "vocab_size", "genai_config.json model"),
                model.path("bos_token_id").asInt(-1),
                ids(model.path("eos_token_id")),
                Optional.of(names));
    }

    private static ModelConfig fromHuggingFace(JsonNode config, JsonNode generation, Path configPath) {
        JsonNode eos = generation.has("eos_token_id") ? generation.get("eos_token_id") : config.path("eos_token_id");
        int bos = generation.has("bos_token_id")
                ? generation.get("bos_token_id").asInt()
                : config.path("bos_token_id").asInt(-1);
        return new ModelConfig(
                requiredInt(config, "max_position_embeddings", configPath.toString()),
                requiredInt(config, "vocab_size", configPath.toString()),
                bos,
                ids(eos),
                Optional.empty());
    }

    private static int requiredInt(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new ModelLoadException(where + " needs an integer '" + field + "'");
        }
        return value.asInt();
    }

    private static int[] ids(JsonNode node) {
        Set<Integer> ids = new LinkedHashSet<>();
        if (node.isArray()) {
            node.forEach(id -> ids.add(id.asInt()));
        } else if (node.canConvertToInt()) {
            ids.add(node.asInt());
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + " as JSON: " + e.getMessage(), e);
        }
    }
}
