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
 * @param tieMargin a greedy choice whose top two logits are closer than this, read from logits that
 *     a verify pass touched, is made again from logits computed the way plain decoding computes them
 *     (see {@link SpeculativeDecoder}); 0 turns the guard off
 */
public record SpeculationSettings(
        boolean enabled,
        int maxDraftTokens,
        int minNgram,
        int maxNgram,
        boolean adaptive,
        double minExpectedSpeedup,
        double priorAcceptance,
        double tieMargin) {

    /**
     * Drafts of up to 32 tokens: on {@code bench --ngrams}, where the shared store's drafts are
     * accepted about 94% of the time, a cap of 16 held the mean acceptance length near 15 and 32
     * raised it to about 18. The draft-length policy still picks shorter drafts where acceptance so
     * far or the measured verify cost calls for them.
     *
     * <p>Drafts only where the policy expects 1.3 times a plain step's tokens per unit of cost. Its
     * cost model, c(k) measured on one call in a tight loop, leaves out what a real verify step
     * adds, so at 1.05 it kept drafting on sampled requests whose drafts were rarely accepted: in one
     * {@code bench} run, temperature 1 with prompt lookup ran at 0.89x plain (open-ended) and 0.91x
     * (input-grounded), against 0.98x and 1.01x at 1.3, while greedy kept its speedups (1.50x and
     * 2.72x at 1.05, 1.48x and 2.72x at 1.3).
     *
     * <p>A tie margin of 1e-4: on stories260k, over whole greedy generations of {@code bench}'s 30
     * open-ended prompts, the gap between the two highest logits moved by at most 2.2e-5 between a
     * speculative and a plain run (largest single-logit drift 2.6e-5), while no gap fell below
     * 1e-4. So the guard covers about four times the drift seen and almost never runs ({@code bench}
     * prints the drift and the replays).
     */
    public static final SpeculationSettings DEFAULT = new SpeculationSettings(true, 32, 1, 4, true, 1.3, 0.5, 1e-4);

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
        if (!(tieMargin >= 0.0)) {
            throw new IllegalArgumentException("tie margin must be >= 0 but was " + tieMargin);
        }
    }

    public SpeculationSettings withEnabled(boolean value) {
        return new SpeculationSettings(
                value, maxDraftTokens, minNgram, maxNgram, adaptive, minExpectedSpeedup, priorAcceptance, tieMargin);
    }

    public SpeculationSettings withDraft(int maxTokens, boolean adaptiveLength) {
        return new SpeculationSettings(
                enabled, maxTokens, minNgram, maxNgram, adaptiveLength, minExpectedSpeedup, priorAcceptance, tieMargin);
    }

    public SpeculationSettings withTieMargin(double margin) {
        return new SpeculationSettings(
                enabled, maxDraftTokens, minNgram, maxNgram, adaptive, minExpectedSpeedup, priorAcceptance, margin);
    }
}
