package io.specops.engine;

/**
 * The shared n-gram statistics and how the drafter uses them.
 *
 * @param defaultMode drafts for requests that do not choose
 * @param order tokens of context per n-gram
 * @param longOrder tokens of a longer context consulted first, or 0 for none
 * @param maxContinuations distinct next tokens kept per context
 * @param maxContextsPerPartition contexts kept per partition of the n-gram topic
 * @param minConfidence a continuation is drafted only with at least this share of its context's count
 * @param minCount and at least this count
 */
public record NgramSettings(
        DrafterMode defaultMode,
        int order,
        int longOrder,
        int maxContinuations,
        int maxContextsPerPartition,
        double minConfidence,
        long minCount) {

    /**
     * Contexts of 16 tokens. The benchmark's stories share many 8-token phrases across prompts, and
     * with 8-token contexts {@code bench --ngrams} saw the store's drafts accepted 72-79% of the time
     * for a mean acceptance length of about 10; with 16, 92-95% and about 15 (drafts of up to 16
     * tokens). The price is that the store drafts only once 16 tokens have repeated. The 32-token
     * context on top resolves the 16-token stretches that recur with different continuations (see
     * {@code SharedNgramDrafter}); it doubles the table.
     */
    public static final NgramSettings DEFAULT = new NgramSettings(DrafterMode.COMBINED, 16, 32, 8, 200_000, 0.5, 1);

    public NgramSettings {
        if (longOrder != 0 && longOrder <= order) {
            throw new IllegalArgumentException(
                    "the long n-gram order (" + longOrder + ") must be 0 or longer than the order (" + order + ")");
        }
    }

    /** The context lengths the statistics keep and the drafter consults, longest first. */
    public int[] orders() {
        return longOrder == 0 ? new int[] {order} : new int[] {longOrder, order};
    }
}
