package io.specops.decoding;

import java.util.List;

/**
 * One completion to generate.
 *
 * @param promptIds the prompt as token ids, special tokens included
 * @param maxTokens upper bound on generated tokens
 * @param sampling greedy or seeded sampling
 * @param stopStrings generation ends when the text contains one of these; it is not included
 */
public record GenerationRequest(int[] promptIds, int maxTokens, SamplingParams sampling, List<String> stopStrings) {

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("prompt must have at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1 but was " + maxTokens);
        }
        promptIds = promptIds.clone();
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    /** A copy, as the constructor takes one, so that nobody can change the prompt of a generation under way. */
    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    public static GenerationRequest greedy(int[] promptIds, int maxTokens) {
        return new GenerationRequest(promptIds, maxTokens, SamplingParams.GREEDY, List.of());
    }
}
