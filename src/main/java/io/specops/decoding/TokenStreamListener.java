package io.specops.decoding;

/** Receives a generation's output as it is accepted, on the decoding thread. */
@FunctionalInterface
public interface TokenStreamListener {

    /**
     * Called after each target call that accepted tokens.
     *
     * @param textDelta text that follows everything sent before; may be empty while a character or a
     *     possible stop string is incomplete
     * @param tokenIds the ids accepted in this step
     */
    void onTokens(String textDelta, int[] tokenIds);

    TokenStreamListener IGNORE = (textDelta, tokenIds) -> {};
}
