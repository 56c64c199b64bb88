package io.specops.decoding;

/**
 * Proposes tokens that are likely to follow the sequence, cheaply and without the target model.
 * A draft is only a guess: the target verifies every token of it, so a bad drafter costs speed,
 * never correctness.
 */
public interface Drafter {

    /**
     * Writes up to {@code maxDraftTokens} proposed continuation tokens of {@code history} into
     * {@code draft} and returns how many it wrote (0 when it has nothing worth proposing).
     */
    int propose(TokenHistory history, int maxDraftTokens, int[] draft);

    /** A drafter that never proposes: decoding with it is plain decoding. */
    Drafter NONE = (history, maxDraftTokens, draft) -> 0;
}
