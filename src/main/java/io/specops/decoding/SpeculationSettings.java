package io.specops.decoding;

/**
 * How the decoder speculates.
 *
 * @param enabled false decodes one token per target call (the plain baseline)
 * @param maxDraftTokens the longest draft one verify step may check
 * @param minNgram shortest suffix the prompt-lookup drafter matches
 * @param maxNgram longest suffix the prompt-lookup drafter matches
 * @param adaptive true chooses each draft's length from the acceptance so far and the measured
 *     verify cost, and skips drafting where it does not pay; false always drafts up to
 *     {@code maxDraftTokens}
 * @param minExpectedSpeedup a draft is sent only when its expected tokens per unit of target cost
 *     reach this multiple of a plain step (1.0 = break even)
 * @param priorAcceptance the per-token acceptance assumed before a request has evidence of its own
 */
public record SpeculationSettings(
        boolean enabled,
        int maxDraftTokens,
        int minNgram,
        int maxNgram,
        boolean adaptive,
        double minExpectedSpeedup,
        double priorAcceptance) {

    /**
     * Drafts of up to 32 tokens: on {@code bench --ngrams}, where the shared store's drafts are
     * accepted about 94% of the time, a cap of 16 held the mean acceptance length near 15 and 32
     * raised it to about 18. The draft-length policy still picks shorter drafts where acceptance so
     * far or the measured verify cost calls for them.
     */
    public static final SpeculationSettings DEFAULT = new SpeculationSettings(true, 32, 1, 4, true, 1.05, 0.5);

    public static final SpeculationSettings OFF = DEFAULT.withEnabled(false);

    public SpeculationSettings {
        if (maxDraftTokens < 1 || maxDraftTokens > 64) {
            throw new IllegalArgumentException("max draft tokens must be in [1, 64] but was " + maxDraftTokens);
        }
        if (minNgram < 1 || maxNgram < minNgram) {
            throw new IllegalArgumentException(
                    "n-gram sizes must satisfy 1 <= min <= max but were min=" + minNgram + ", max=" + maxNgram);
        }
        if (!(minExpectedSpeedup > 0.0)) {
            throw new IllegalArgumentException("min expected speedup must be > 0 but was " + minExpectedSpeedup);
        }
        if (!(priorAcceptance > 0.0 && priorAcceptance < 1.0)) {
            throw new IllegalArgumentException("prior acceptance must be in (0, 1) but was " + priorAcceptance);
        }
    }

    public SpeculationSettings withEnabled(boolean value) {
        return new SpeculationSettings(
                value, maxDraftTokens, minNgram, maxNgram, adaptive, minExpectedSpeedup, priorAcceptance);
    }

    public SpeculationSettings withDraft(int maxTokens, boolean adaptiveLength) {
        return new SpeculationSettings(
                enabled, maxTokens, minNgram, maxNgram, adaptiveLength, minExpectedSpeedup, priorAcceptance);
    }
}
