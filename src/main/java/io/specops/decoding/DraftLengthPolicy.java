package io.specops.decoding;

/**
 * Chooses how many draft tokens the next verify step checks, for one request and one drafter.
 * Mutable.
 *
 * <p>Acceptance is modelled as a per-token probability {@code a}: a draft of length {@code k} then
 * settles {@code 1 + a + ... + a^k} tokens in one target call that costs {@code c(k)} plain steps.
 * The policy picks the {@code k} with the best ratio and drafts nothing when even that ratio falls
 * below {@code minExpectedSpeedup}, so text that does not repeat runs at plain speed. Its estimate of
 * {@code a} is the request's decayed accept/reject counts blended with a prior; while it is not
 * drafting the evidence fades, so the estimate drifts back to the prior and a short probe follows.
 * A request starts from a little of the evidence its decoder's previous request left ({@link
 * Memory}), not from the prior alone.
 */
public final class DraftLengthPolicy {

    /** Weight of one verify step's evidence relative to the one before it. */
    private static final double EVIDENCE_DECAY = 0.9;
    /** Evidence fading per skipped step, so a burst of rejections does not end speculation for good. */
    private static final double SKIP_DECAY = 0.95;
    /** How many draft tokens' worth of weight the prior carries. */
    private static final double PRIOR_WEIGHT = 2.0;
    /** At most this many judged tokens' worth of evidence passes from one request to the next. */
    static final double CARRIED_WEIGHT = 8.0;

    private final SpeculationSettings settings;
    private final VerifyCost cost;
    private double acceptedTokens;
    private double judgedTokens;

    public DraftLengthPolicy(SpeculationSettings settings, VerifyCost cost) {
        this.settings = settings;
        this.cost = cost;
    }

    /** The draft length for the next step, at most {@code limit}; 0 means take a plain step. */
    public int nextDraftLength(int limit) {
        int longest = Math.min(limit, settings.maxDraftTokens());
        if (!settings.enabled() || longest <= 0) {
            return 0;
        }
        if (!settings.adaptive()) {
            return longest;
        }
        double acceptance = estimatedAcceptance();
        int bestLength = 0;
        double bestSpeedup = settings.minExpectedSpeedup();
        double expectedTokens = 1.0;
        double term = 1.0;
        for (int k = 1; k <= longest; k++) {
            term *= acceptance;
            expectedTokens += term;
            double speedup = expectedTokens / cost.relative(k);
            if (speedup > bestSpeedup) {
                bestSpeedup = speedup;
                bestLength = k;
            }
        }
        return bestLength;
    }

    /** Records a verify step that checked {@code drafted} tokens and accepted the first {@code accepted}. */
    public void onVerified(int drafted, int accepted) {
        int judged = accepted < drafted ? accepted + 1 : accepted;
        acceptedTokens = acceptedTokens * EVIDENCE_DECAY + accepted;
        judgedTokens = judgedTokens * EVIDENCE_DECAY + judged;
    }

    /** Records a step taken without a draft because the policy declined to speculate. */
    public void onSkipped() {
        acceptedTokens *= SKIP_DECAY;
        judgedTokens *= SKIP_DECAY;
    }

    /**
     * The evidence one decoder's finished requests leave for its next request, so that a request on
     * work the decoder drafts well does not start from the prior and spend its first verify steps on
     * short drafts. It carries at most {@link #CARRIED_WEIGHT} judged tokens' worth, fades like any
     * other evidence, and soon gives way to the request's own verify steps. Thread-safe.
     */
    public static final class Memory {
        private double acceptedTokens;
        private double judgedTokens;

        /** A policy for a new request that starts from what the last request with a verify step saw. */
        public synchronized DraftLengthPolicy newPolicy(SpeculationSettings settings, VerifyCost cost) {
            DraftLengthPolicy policy = new DraftLengthPolicy(settings, cost);
            policy.acceptedTokens = acceptedTokens;
            policy.judgedTokens = judgedTokens;
            return policy;
        }

        /** Keeps what {@code finished} saw for the next request, if it verified any draft. */
        public synchronized void remember(DraftLengthPolicy finished) {
            if (!(finished.judgedTokens > 0)) {
                return;
            }
            double scale = Math.min(1.0, CARRIED_WEIGHT / finished.judgedTokens);
            acceptedTokens = finished.acceptedTokens * scale;
            judgedTokens = finished.judgedTokens * scale;
        }
    }

    public double estimatedAcceptance() {
        double prior = settings.priorAcceptance();
        double estimate = (acceptedTokens + prior * PRIOR_WEIGHT) / (judgedTokens + PRIOR_WEIGHT);
        return Math.min(estimate, 0.999);
    }
}
