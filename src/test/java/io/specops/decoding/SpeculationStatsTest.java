package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statistics the decode loop reports about speculation and timing, against a scripted target
 * and a drafter whose drafts are right for a known number of tokens.
 */
class SpeculationStatsTest {

    private static final int[] PROMPT = {0, 3, 4};
    /** A token the scripted target never chooses: it only follows ids 3 to 15 with ids 3 to 15. */
    private static final int WRONG = 0;

    /** Drafts of a given length whose first {@code correct} tokens are the target's continuation. */
    private static final class ScriptedDrafter implements Drafter {
        private final int[][] script;
        private int next;

        /** @param script pairs of (draft length, correct leading tokens), one per draft */
        ScriptedDrafter(int[]... script) {
            this.script = script;
        }

        @Override
        public int propose(TokenHistory history, int maxDraftTokens, int[] draft) {
            if (next == script.length) {
                return 0;
            }
            int length = script[next][0];
            int correct = script[next][1];
            next++;
            int last = history.get(history.length() - 1);
            for (int i = 0; i < length; i++) {
                last = ScriptedTargetModel.next(last);
                draft[i] = i < correct ? last : WRONG;
            }
            return length;
        }
    }

    private static Completion generate(Drafter drafter, int maxTokens, int... endTokens) {
        SpeculationSettings fixedLength = SpeculationSettings.DEFAULT.withDraft(8, false);
        return new SpeculativeDecoder(
                        new ScriptedTargetModel(512),
                        ScriptedTargetModel.TEXT,
                        endTokens,
                        drafter,
                        fixedLength,
                        VerifyCost.linear(8, 0.05))
                .generate(GenerationRequest.greedy(PROMPT, maxTokens));
    }

    @Test
    void accepted_tokens_are_counted_at_their_draft_positions() {
        // Accepted per draft: 4, 2, 0, 3, 1. Position 0 was accepted in the four drafts that accepted
        // anything, position 1 in the three that accepted 2 or more, and so on.
        Drafter drafter = new ScriptedDrafter(new int[][] {{4, 4}, {4, 2}, {4, 0}, {3, 3}, {2, 1}});

        GenerationStats stats = generate(drafter, 30).stats();

        assertThat(stats.acceptedTokensByPosition()).containsExactly(4, 3, 2, 1);
        assertThat(stats.verifySteps()).isEqualTo(5);
        assertThat(stats.draftedTokens()).isEqualTo(17);
        assertThat(stats.acceptedTokens()).isEqualTo(10);
        assertThat(Arrays.stream(stats.acceptedTokensByPosition()).sum()).isEqualTo(stats.acceptedTokens());
    }

    @Test
    void the_position_counts_end_at_the_last_accepted_position_and_are_empty_without_acceptances() {
        GenerationStats longDraftShortAcceptance =
                generate(new ScriptedDrafter(new int[][] {{8, 2}, {8, 1}}), 30).stats();
        GenerationStats plain = generate(Drafter.NONE, 30).stats();
        GenerationStats allRejected =
                generate(new ScriptedDrafter(new int[][] {{8, 0}, {8, 0}}), 30).stats();

        assertThat(longDraftShortAcceptance.acceptedTokensByPosition()).containsExactly(2, 1);
        assertThat(plain.acceptedTokensByPosition()).isEmpty();
        assertThat(allRejected.acceptedTokensByPosition()).isEmpty();
        assertThat(allRejected.draftedTokens()).isEqualTo(16);
    }

    @Test
    void an_accepted_end_token_counts_at_its_position() {
        // The third token after the prompt is the end token; the first draft, verified with the
        // prompt, has it at position 2.
        int end = ScriptedTargetModel.next(ScriptedTargetModel.next(ScriptedTargetModel.next(4)));
        Completion completion = generate(new ScriptedDrafter(new int[][] {{5, 5}}), 30, end);

        assertThat(completion.finishReason()).isEqualTo(FinishReason.END_TOKEN);
        assertThat(completion.stats().acceptedTokensByPosition()).containsExactly(1, 1, 1);
        assertThat(completion.stats().acceptedTokens()).isEqualTo(3);
    }

    @Test
    void the_timeline_has_one_step_per_target_call_with_the_tokens_each_settled() {
        Drafter drafter = new ScriptedDrafter(new int[][] {{4, 4}, {4, 2}, {4, 0}, {3, 3}, {2, 1}});

        GenerationStats stats = generate(drafter, 30).stats();
        StepTimeline steps = stats.steps();

        // The prefill verifies the first draft with the prompt, and it and each verify step settle
        // their accepted tokens plus the target's own; then plain steps settle 1 each until 30 tokens:
        // 5 + 3 + 1 + 4 + 2 = 15, and 15 plain steps.
        int[] expected = new int[20];
        Arrays.fill(expected, 1);
        System.arraycopy(new int[] {5, 3, 1, 4, 2}, 0, expected, 0, 5);
        assertThat(steps.tokens()).containsExactly(expected);
        assertThat(steps.steps()).isEqualTo(stats.targetCalls());
        assertThat(Arrays.stream(steps.tokens()).sum()).isEqualTo(stats.generatedTokens());

        long[] settled = steps.settledNanos();
        assertThat(settled[0]).isEqualTo(stats.timeToFirstTokenNanos());
        assertThat(settled[settled.length - 1]).isEqualTo(stats.totalNanos());
        for (int i = 1; i < settled.length; i++) {
            assertThat(settled[i]).isGreaterThanOrEqualTo(settled[i - 1]);
        }
        List<Long> gaps = new ArrayList<>();
        steps.forEachInterTokenGap(gaps::add);
        assertThat(gaps).hasSize(stats.generatedTokens() - 1);
        assertThat(gaps.stream().mapToLong(Long::longValue).sum())
                .isEqualTo(stats.totalNanos() - stats.timeToFirstTokenNanos());
    }

    @Test
    void a_step_that_ends_on_the_end_token_counts_the_end_token_on_the_timeline() {
        int end = ScriptedTargetModel.next(ScriptedTargetModel.next(ScriptedTargetModel.next(4)));
        GenerationStats stats =
                generate(new ScriptedDrafter(new int[][] {{5, 5}}), 30, end).stats();

        assertThat(stats.steps().tokens()).containsExactly(3);
        assertThat(stats.generatedTokens()).isEqualTo(3);
    }

    @Test
    void a_steps_gap_is_shared_by_its_tokens_in_whole_nanoseconds_that_add_up() {
        StepTimeline steps = new StepTimeline(new long[] {10, 17, 27, 28}, new int[] {1, 3, 2, 1});
        List<Long> gaps = new ArrayList<>();

        steps.forEachInterTokenGap(gaps::add);

        assertThat(gaps).containsExactly(3L, 2L, 2L, 5L, 5L, 1L);
    }

    @Test
    void tokens_the_prefill_settles_after_the_first_have_no_gap() {
        StepTimeline steps = new StepTimeline(new long[] {10, 16}, new int[] {3, 2});
        List<Long> gaps = new ArrayList<>();

        steps.forEachInterTokenGap(gaps::add);

        assertThat(gaps).containsExactly(0L, 0L, 3L, 3L);
    }

    @Test
    void a_single_step_has_no_inter_token_gap() {
        List<Long> gaps = new ArrayList<>();
        new StepTimeline(new long[] {42}, new int[] {1}).forEachInterTokenGap(gaps::add);
        assertThat(gaps).isEmpty();
    }

    @Test
    void a_timeline_needs_one_time_and_at_least_one_token_per_step() {
        assertThatThrownBy(() -> new StepTimeline(new long[] {1, 2}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one entry per step");
        assertThatThrownBy(() -> new StepTimeline(new long[] {1, 2}, new int[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step 1 has 0");
    }
}
