package io.specops.engine;

/**
 * The shared n-gram statistics and how the drafter uses them.
 *
 * @param defaultMode drafts for requests that do not choose
 * @param order tokens of context per n-gram
 * @param maxContinuations distinct next tokens kept per context
 * @param maxContextsPerPartition contexts kept per partition of the n-gram topic
 * @param minConfidence a continuation is drafted only with at least this share of its context's count
 * @param minCount and at least this count
 */
public record NgramSettings(
        DrafterMode defaultMode,
        int order,
        int maxContinuations,
        int maxContextsPerPartition,
        double minConfidence,
        long minCount) {

    /**
     * Contexts of 16 tokens. The benchmark's stories share many 8-token phrases across prompts, and
     * with 8-token contexts {@code bench --ngrams} saw the store's drafts accepted 72-79% of the time
     * for a mean acceptance length of about 10; with 16, 92-95% and about 15 (drafts of up to 16
     * tokens). The price is that the store drafts only once 16 tokens have repeated.
     */
    public static final NgramSettings DEFAULT = new NgramSettings(DrafterMode.COMBINED, 16, 8, 200_000, 0.5, 1);
}
