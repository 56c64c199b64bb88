package io.specops.ngram;

import io.specops.decoding.Drafter;
import io.specops.decoding.TokenHistory;
import java.util.Arrays;

/**
 * Drafts from the statistics every worker has gathered from past requests: follows the most frequent
 * continuation of the last {@code order} tokens, one token at a time, while that continuation is
 * confident enough (its share of the context's count, and its count).
 */
public final class SharedNgramDrafter implements Drafter {

    private final NgramTable table;
    private final double minConfidence;
    private final long minCount;

    public SharedNgramDrafter(NgramTable table, double minConfidence, long minCount) {
        this.table = table;
        this.minConfidence = minConfidence;
        this.minCount = minCount;
    }

    @Override
    public int propose(TokenHistory history, int maxDraftTokens, int[] draft) {
        int order = table.order();
        int length = history.length();
        if (length < order) {
            return 0;
        }
        // The context window slides over the history and then over the draft itself.
        int[] window = Arrays.copyOfRange(history.array(), length - order, length + maxDraftTokens);
        int count = 0;
        while (count < maxDraftTokens) {
            NgramCounts continuations = table.lookup(window, count);
            if (continuations == null) {
                break;
            }
            int token = continuations.mostFrequent();
            long tokenCount = continuations.count(token);
            if (tokenCount < minCount || tokenCount < minConfidence * continuations.total()) {
                break;
            }
            draft[count] = token;
            window[order + count] = token;
            count++;
        }
        return count;
    }
}
