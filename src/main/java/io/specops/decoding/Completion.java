package io.specops.decoding;

/**
 * A finished generation.
 *
 * @param tokenIds the generated ids, without the prompt and without a final end token
 * @param text the generated text, without the prompt and without a stop string
 */
public record Completion(int[] tokenIds, String text, FinishReason finishReason, GenerationStats stats) {}
