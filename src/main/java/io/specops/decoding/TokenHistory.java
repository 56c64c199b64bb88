package io.specops.decoding;

import java.util.Arrays;

/** The token ids of one sequence so far, prompt then generated; grows as tokens are accepted. Mutable. */
public final class TokenHistory {

    private int[] tokens;
    private int length;

    public TokenHistory(int[] prompt, int capacity) {
        this.tokens = Arrays.copyOf(prompt, Math.max(capacity, prompt.length));
        this.length = prompt.length;
    }

    public int length() {
        return length;
    }

    public int get(int index) {
        return tokens[index];
    }

    /** The backing array; only indices below {@link #length()} are meaningful. Do not modify. */
    public int[] array() {
        return tokens;
    }

    public void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(16, tokens.length * 2));
        }
        tokens[length++] = token;
    }

    public int[] copyRange(int from, int to) {
        return Arrays.copyOfRange(tokens, from, to);
    }
}
