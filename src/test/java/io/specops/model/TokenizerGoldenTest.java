package io.specops.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.TestModels;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token ids against tokenizer_expected.json, which was checked against llama2.c's own encoder. */
class TokenizerGoldenTest {

    private static LoadedModel model;

    @BeforeAll
    static void load() {
        model = TestModels.load(TestModels.stories());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void encode_matches_golden_ids_for_every_string() throws IOException {
        JsonNode cases = new ObjectMapper()
                .readTree(
                        TestModels.stories().resolve("tokenizer_expected.json").toFile());
        assertThat(cases.size()).isEqualTo(6);
        for (JsonNode testCase : cases) {
            int[] expected = new ObjectMapper().convertValue(testCase.get("ids"), int[].class);
            assertThat(model.tokenizer().encode(testCase.get("text").asText()))
                    .as("ids of '%s'", testCase.get("text").asText())
                    .containsExactly(expected);
        }
    }

    @Test
    void long_text_is_not_truncated() {
        String text = "Once upon a time there was a dog. ".repeat(100);
        assertThat(model.tokenizer().encode(text).length).isGreaterThan(512);
    }
}
