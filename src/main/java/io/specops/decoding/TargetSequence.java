package io.specops.decoding;

/**
 * One sequence being decoded by the target model: its KV cache and position. Mutated by every call;
 * holds native memory, so close it.
 */
public interface TargetSequence extends AutoCloseable {

    /** Number of tokens whose keys and values are in the cache; the next token's position. */
    int cachedTokens();

    /**
     * Appends {@code tokens[from, from + count)} to the cache in one forward pass and returns the
     * logits of the last {@code logitRows} of them, row-major {@code (logitRows, vocabSize)}: row
     * {@code r} scores the token that follows input token {@code count - logitRows + r}.
     */
    float[] forward(int[] tokens, int from, int count, int logitRows);

    /** Drops every cached token at position {@code cachedTokens} and later (the KV-cache rollback). */
    void truncate(int cachedTokens);

    /** Total nanoseconds spent inside the runtime's own inference call, for overhead accounting. */
    long inferenceNanos();

    @Override
    void close();
}
