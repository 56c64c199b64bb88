package io.specops.ngram;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.decoding.TokenHistory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SharedNgramDrafterTest {

    private static NgramTable tableOf(int order, int[]... sequences) {
        // Merged as the aggregation does, then loaded as the global store does.
        java.util.Map<NgramDelta.ByteKey, NgramCounts> merged = new java.util.HashMap<>();
        for (int[] sequence : sequences) {
            NgramDelta.of(sequence, sequence.length, order, 8)
                    .forEach((key, counts) -> merged.merge(key, counts, (a, b) -> a.merge(b, 8)));
        }
        NgramTable table = new NgramTable(order);
        merged.forEach((key, counts) -> table.put(key.bytes(), counts.toBytes()));
        return table;
    }

    private static int[] draft(NgramTable table, int[] history, int max) {
        int[] draft = new int[max];
        int count = new SharedNgramDrafter(table, 0.5, 1).propose(new TokenHistory(history, 64), max, draft);
        return Arrays.copyOf(draft, count);
    }

    @Test
    void follows_a_sequence_seen_before_token_by_token() {
        NgramTable table = tableOf(2, new int[] {5, 6, 7, 8, 9, 10, 11});
        assertThat(draft(table, new int[] {1, 5, 6}, 4)).containsExactly(7, 8, 9, 10);
        assertThat(draft(table, new int[] {1, 9, 10}, 4)).containsExactly(11);
    }

    @Test
    void stops_where_the_continuation_is_not_confident() {
        // (5, 6) is always followed by 7; (6, 7) by 1, 2 or 3, a third each, below the 50% asked for.
        NgramTable table = tableOf(2, new int[] {5, 6, 7, 1}, new int[] {5, 6, 7, 2}, new int[] {5, 6, 7, 3});
        assertThat(draft(table, new int[] {5, 6}, 4)).containsExactly(7);
    }

    @Test
    void an_unknown_context_proposes_nothing() {
        assertThat(draft(tableOf(2, new int[] {1, 2, 3}), new int[] {8, 9}, 4)).isEmpty();
        assertThat(tableOf(2).size()).isZero();
    }
}
