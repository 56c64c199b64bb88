package io.specops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.TestModels;
import io.specops.decoding.Completion;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerateCommandTest {

    private static String runCapturingStdout(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void json_output_carries_the_engine_completion_and_its_statistics() throws Exception {
        String model = TestModels.stories().toString();
        String out = runCapturingStdout(
                "generate", "--model", model, "--prompt", "Lily and Tim", "--max-tokens", "40", "--json");
        JsonNode json = new ObjectMapper().readTree(out);

        Completion expected;
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            expected = engine.generate(
                    engine.request("Lily and Tim", 40, SamplingParams.GREEDY, List.of()), false, (text, ids) -> {});
        }
        assertThat(json.get("text").asText()).isEqualTo(expected.text());
        assertThat(new ObjectMapper().convertValue(json.get("token_ids"), int[].class))
                .containsExactly(expected.tokenIds());
        assertThat(json.get("finish_reason").asText()).isEqualTo("length");
        assertThat(json.get("generated_tokens").asInt()).isEqualTo(40);
        assertThat(json.get("prompt_tokens").asInt()).isEqualTo(expected.stats().promptTokens());
        for (String field : List.of(
                "target_calls",
                "drafted_tokens",
                "accepted_tokens",
                "acceptance_rate",
                "mean_acceptance_length",
                "time_to_first_token_ms",
                "total_ms")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
    }

    @Test
    void streamed_text_is_the_completion_text() {
        String model = TestModels.stories().toString();
        String streamed =
                runCapturingStdout("generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "30");
        String json = runCapturingStdout(
                "generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "30", "--json");
        String text = json.substring(json.indexOf("\"text\":\"") + 8, json.indexOf("\",\"token_ids\""));
        assertThat(streamed.strip())
                .isEqualTo(text.replace("\\n", "\n").replace("\\\"", "\"").strip());
    }
}
