package io.specops.decoding;

/**
 * What one generation cost and how speculation went.
 *
 * @param promptTokens tokens in the prompt
 * @param generatedTokens tokens the target produced, an end token included
 * @param targetCalls forward passes of the target model, the prompt's included
 * @param verifySteps target calls that checked a draft
 * @param draftedTokens draft tokens sent to the target
 * @param acceptedTokens draft tokens the target agreed with
 * @param tieReplays near-ties at which the decoder recomputed the sequence the way plain decoding
 *     does, to make that choice from plain decoding's own logits (their target calls are counted in
 *     {@code targetCalls})
 * @param timeToFirstTokenNanos from the start of the request until its first generated token was
 *     settled
 * @param totalNanos from the start of the request until its last token was settled
 * @param inferenceNanos time inside the runtime's inference call
 * @param draftNanos time spent by the drafter
 * @param acceptedTokensByPosition entry {@code i}: verify steps whose draft token at 0-based draft
 *     position {@code i} was accepted (so entry 0 counts drafts with at least one token accepted);
 *     the entries add up to {@code acceptedTokens}. It ends at the last position with an accepted
 *     token, so it is empty when nothing was accepted.
 * @param steps when each target call settled its tokens, for the inter-token gaps
 */
public record GenerationStats(
        int promptTokens,
        int generatedTokens,
        int targetCalls,
        int verifySteps,
        int draftedTokens,
        int acceptedTokens,
        int tieReplays,
        long timeToFirstTokenNanos,
        long totalNanos,
        long inferenceNanos,
        long draftNanos,
        int[] acceptedTokensByPosition,
        StepTimeline steps) {

    // Copies in and out keep the statistics a value; one per generation is negligible next to a forward pass.
    public GenerationStats {
        acceptedTokensByPosition = acceptedTokensByPosition.clone();
    }

    @Override
    public int[] acceptedTokensByPosition() {
        return acceptedTokensByPosition.clone();
    }

    /** Accepted draft tokens over drafted ones; 0 when nothing was drafted. */
    public double acceptanceRate() {
        return draftedTokens == 0 ? 0.0 : (double) acceptedTokens / draftedTokens;
    }

    /** Tokens settled per verify step: the accepted drafts plus the target's own token. */
    public double meanAcceptanceLength() {
        return verifySteps == 0 ? 1.0 : 1.0 + (double) acceptedTokens / verifySteps;
    }

    /** Generated tokens per second after the first token (the decode phase). */
    public double decodeTokensPerSecond() {
        long decodeNanos = totalNanos - timeToFirstTokenNanos;
        return generatedTokens <= 1 || decodeNanos <= 0 ? 0.0 : (generatedTokens - 1) * 1e9 / decodeNanos;
    }
}
