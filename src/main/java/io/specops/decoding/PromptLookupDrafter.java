package io.specops.decoding;

/**
 * Prompt lookup decoding (Saxena, 2023): finds the most recent earlier occurrence of the sequence's
 * last {@code n} tokens, trying {@code n} from {@code maxNgram} down to {@code minNgram}, and proposes
 * the tokens that followed that occurrence. It wins where the output copies its input: quoting,
 * summarising, editing, code, repeated names.
 *
 * <p>The search scans the sequence backwards, O(length x n) per call; at a context of a few thousand
 * tokens this costs microseconds, far below one target call.
 */
public final class PromptLookupDrafter implements Drafter {

    private final int minNgram;
    private final int maxNgram;

    public PromptLookupDrafter(int minNgram, int maxNgram) {
        if (minNgram < 1 || maxNgram < minNgram) {
            throw new IllegalArgumentException(
                    "n-gram sizes must satisfy 1 <= min <= max but were min=" + minNgram + ", max=" + maxNgram);
        }
        this.minNgram = minNgram;
        this.maxNgram = maxNgram;
    }

    @Override
    public int propose(TokenHistory history, int maxDraftTokens, int[] draft) {
        int length = history.length();
        int[] tokens = history.array();
        for (int n = Math.min(maxNgram, length - 1); n >= minNgram; n--) {
            int start = findEarlierOccurrence(tokens, length, n);
            if (start >= 0) {
                int from = start + n;
                int count = Math.min(maxDraftTokens, length - from);
                System.arraycopy(tokens, from, draft, 0, count);
                return count;
            }
        }
        return 0;
    }

    /** Start of the latest occurrence of the last {@code n} tokens that ends before the sequence does, or -1. */
    private static int findEarlierOccurrence(int[] tokens, int length, int n) {
        int suffix = length - n;
        for (int start = suffix - 1; start >= 0; start--) {
            if (matches(tokens, start, suffix, n)) {
                return start;
            }
        }
        return -1;
    }

    private static boolean matches(int[] tokens, int a, int b, int n) {
        for (int i = n - 1; i >= 0; i--) {
            if (tokens[a + i] != tokens[b + i]) {
                return false;
            }
        }
        return true;
    }
}
