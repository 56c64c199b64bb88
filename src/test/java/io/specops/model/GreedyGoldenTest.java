package io.specops.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.TestModels;
import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.SpeculationSettings;
import io.specops.decoding.TokenStreamListener;
import io.specops.engine.Engine;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The greedy continuation of {@code <s>} against greedy_expected.json, computed by a torch reference. */
class GreedyGoldenTest {

    @Test
    void plain_and_speculative_greedy_reproduce_the_reference_continuation() throws IOException {
        JsonNode golden = new ObjectMapper()
                .readTree(TestModels.stories().resolve("greedy_expected.json").toFile());
        int[] prompt = new ObjectMapper().convertValue(golden.get("prompt_ids"), int[].class);
        int[] all = new ObjectMapper().convertValue(golden.get("ids"), int[].class);
        int[] expected = Arrays.copyOfRange(all, prompt.length, all.length);

        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            GenerationRequest request = GenerationRequest.greedy(prompt, expected.length);
            Completion plain = engine.generate(request, false, TokenStreamListener.IGNORE);
            Completion speculative = engine.generate(request, true, TokenStreamListener.IGNORE);

            assertThat(plain.tokenIds()).containsExactly(expected);
            assertThat(speculative.tokenIds()).containsExactly(expected);
            assertThat(speculative.stats().targetCalls())
                    .isLessThan(plain.stats().targetCalls());
        }
    }
}
