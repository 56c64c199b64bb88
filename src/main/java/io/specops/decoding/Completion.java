package io.specops.decoding;

/**
 * A finished generation.
 *
 * @param tokenIds the generated ids, without the prompt and without a final end token
 * @param text the generated text, without the prompt and without a stop string
 */
public record Completion(int[] tokenIds, String text, FinishReason finishReason, GenerationStats stats) {

    // Copies in and out keep a completion immutable; one per generation is negligible next to a forward pass.
    public Completion {
        tokenIds = tokenIds.clone();
    }

    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }
}
