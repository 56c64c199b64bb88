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

    public static final NgramSettings DEFAULT = new NgramSettings(DrafterMode.COMBINED, 8, 8, 200_000, 0.5, 1);
}
