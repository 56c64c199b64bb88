package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PromptLookupDrafterTest {

    private static int[] propose(int[] tokens, int minNgram, int maxNgram, int maxDraftTokens) {
        int[] draft = new int[maxDraftTokens];
        int count = new PromptLookupDrafter(minNgram, maxNgram)
                .propose(new TokenHistory(tokens, tokens.length), maxDraftTokens, draft);
        return Arrays.copyOf(draft, count);
    }

    @Test
    void copies_what_followed_the_earlier_occurrence_of_the_suffix() {
        assertThat(propose(new int[] {1, 2, 3, 4, 5, 9, 2, 3}, 1, 3, 2)).containsExactly(4, 5);
    }

    @Test
    void the_longest_matching_suffix_wins_over_a_more_recent_shorter_one() {
        // Suffix (7, 3) occurs at the start; 3 alone occurs more recently, followed by 8.
        assertThat(propose(new int[] {7, 3, 4, 5, 3, 8, 7, 3}, 1, 2, 2)).containsExactly(4, 5);
    }

    @Test
    void proposes_nothing_without_a_match() {
        assertThat(propose(new int[] {1, 2, 3, 4}, 1, 3, 4)).isEmpty();
    }

    @Test
    void a_draft_stops_at_the_end_of_the_sequence() {
        assertThat(propose(new int[] {5, 6, 5}, 1, 1, 8)).containsExactly(6, 5);
    }
}
