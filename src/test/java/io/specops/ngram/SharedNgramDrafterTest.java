package io.specops.ngram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.specops.decoding.TokenHistory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SharedNgramDrafterTest {

    private static NgramTable tableOf(int[] orders, int[]... sequences) {
        // Merged as the aggregation does, then loaded as the global store does.
        java.util.Map<NgramDelta.ByteKey, NgramCounts> merged = new java.util.HashMap<>();
        for (int[] sequence : sequences) {
            NgramDelta.of(sequence, sequence.length, orders, 8)
                    .forEach((key, counts) -> merged.merge(key, counts, (a, b) -> a.merge(b, 8)));
        }
        NgramTable table = new NgramTable(orders);
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
        NgramTable table = tableOf(new int[] {2}, new int[] {5, 6, 7, 8, 9, 10, 11});
        assertThat(draft(table, new int[] {1, 5, 6}, 4)).containsExactly(7, 8, 9, 10);
        assertThat(draft(table, new int[] {1, 9, 10}, 4)).containsExactly(11);
    }

    @Test
    void stops_where_the_continuation_is_not_confident() {
        // (5, 6) is always followed by 7; (6, 7) by 1, 2 or 3, a third each, below the 50% asked for.
        NgramTable table =
                tableOf(new int[] {2}, new int[] {5, 6, 7, 1}, new int[] {5, 6, 7, 2}, new int[] {5, 6, 7, 3});
        assertThat(draft(table, new int[] {5, 6}, 4)).containsExactly(7);
    }

    @Test
    void an_unknown_context_proposes_nothing() {
        assertThat(draft(tableOf(new int[] {2}, new int[] {1, 2, 3}), new int[] {8, 9}, 4))
                .isEmpty();
        assertThat(tableOf(new int[] {2}).size()).isZero();
    }

    @Test
    void a_longer_context_tells_apart_what_a_short_one_cannot() {
        // (3, 4) is followed by 5 after 1 and by 6 after 2, once each: a tie its 2-token context
        // cannot break, and a draft from it alone is wrong one time in two.
        int[][] seen = {{1, 3, 4, 5, 9}, {2, 3, 4, 6, 9}};
        NgramTable shortOnly = tableOf(new int[] {2}, seen);
        NgramTable withLong = tableOf(new int[] {3, 2}, seen);
        assertThat(draft(shortOnly, new int[] {2, 3, 4}, 2)).containsExactly(5, 9);
        assertThat(draft(withLong, new int[] {1, 3, 4}, 2)).containsExactly(5, 9);
        assertThat(draft(withLong, new int[] {2, 3, 4}, 2)).containsExactly(6, 9);
    }

    @Test
    void falls_back_to_the_short_context_where_the_long_one_is_unknown() {
        NgramTable table = tableOf(new int[] {3, 2}, new int[] {1, 5, 6, 7, 8});
        // Too short a history for the long context, and a long context never seen: both use (5, 6).
        assertThat(draft(table, new int[] {5, 6}, 2)).containsExactly(7, 8);
        assertThat(draft(table, new int[] {9, 5, 6}, 2)).containsExactly(7, 8);
    }

    @Test
    void a_delta_holds_the_contexts_of_every_order() {
        int[] tokens = {1, 2, 3, 4, 5};
        // Order 3: positions 3 and 4; order 2: positions 2, 3 and 4.
        assertThat(NgramDelta.of(tokens, tokens.length, new int[] {3, 2}, 8)).hasSize(5);
    }

    @Test
    void orders_must_come_longest_first() {
        assertThatThrownBy(() -> new NgramTable(2, 3)).hasMessageContaining("longest first");
        assertThatThrownBy(() -> new NgramTable(NgramTable.MAX_ORDER + 1)).hasMessageContaining("must be in");
    }
}
