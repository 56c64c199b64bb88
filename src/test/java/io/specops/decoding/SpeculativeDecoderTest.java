package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The decode loop against a scripted target whose continuation is known. */
class SpeculativeDecoderTest {

    private static final int[] PROMPT = {0, 3, 4};

    private static SpeculativeDecoder decoder(ScriptedTargetModel target, SpeculationSettings settings, int... ends) {
        return new SpeculativeDecoder(
                target,
                ScriptedTargetModel.TEXT,
                ends,
                new PromptLookupDrafter(1, 3),
                settings,
                VerifyCost.linear(settings.maxDraftTokens(), 0.05));
    }

    private static int[] expected(int last, int count) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            last = ScriptedTargetModel.next(last);
            tokens[i] = last;
        }
        return tokens;
    }

    @Test
    void speculation_reproduces_the_target_with_far_fewer_calls_once_text_repeats() {
        ScriptedTargetModel plainTarget = new ScriptedTargetModel(512);
        ScriptedTargetModel speculativeTarget = new ScriptedTargetModel(512);
        GenerationRequest request = GenerationRequest.greedy(PROMPT, 200);

        Completion plain = decoder(plainTarget, SpeculationSettings.OFF).generate(request);
        Completion speculative =
                decoder(speculativeTarget, SpeculationSettings.DEFAULT).generate(request);

        assertThat(plain.tokenIds()).containsExactly(expected(4, 200));
        assertThat(speculative.tokenIds()).containsExactly(plain.tokenIds());
        assertThat(speculative.text()).isEqualTo(plain.text());
        assertThat(plainTarget.calls).isEqualTo(200);
        assertThat(speculativeTarget.calls).isLessThan(60);
        assertThat(speculative.stats().acceptanceRate()).isGreaterThan(0.9);
        assertThat(speculative.stats().meanAcceptanceLength()).isGreaterThan(8);
    }

    @Test
    void the_prompts_own_call_verifies_a_draft_of_its_continuation() {
        // The prompt's last token, 3, appeared earlier, followed by what the target writes after 3.
        int[] prompt = {0, 3, ScriptedTargetModel.next(3), ScriptedTargetModel.next(ScriptedTargetModel.next(3)), 9, 3};
        ScriptedTargetModel target = new ScriptedTargetModel(512);

        Completion completion =
                decoder(target, SpeculationSettings.DEFAULT).generate(GenerationRequest.greedy(prompt, 3));

        assertThat(completion.tokenIds()).containsExactly(expected(3, 3));
        assertThat(target.calls).isEqualTo(1);
        assertThat(completion.stats().verifySteps()).isEqualTo(1);
        assertThat(completion.stats().acceptedTokens()).isEqualTo(2);
    }

    @Test
    void max_tokens_is_exact_even_when_a_draft_could_run_past_it() {
        for (int maxTokens = 1; maxTokens < 40; maxTokens++) {
            Completion completion = decoder(
                            new ScriptedTargetModel(512), SpeculationSettings.DEFAULT.withDraft(16, false))
                    .generate(GenerationRequest.greedy(PROMPT, maxTokens));
            assertThat(completion.tokenIds()).hasSize(maxTokens);
            assertThat(completion.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
        }
    }

    @Test
    void an_end_token_ends_the_generation_and_is_not_part_of_the_output() {
        int end = expected(4, 30)[20];
        Completion completion = decoder(new ScriptedTargetModel(512), SpeculationSettings.DEFAULT, end)
                .generate(GenerationRequest.greedy(PROMPT, 100));
        assertThat(completion.finishReason()).isEqualTo(FinishReason.END_TOKEN);
        assertThat(completion.tokenIds()).doesNotContain(end);
        assertThat(completion.stats().generatedTokens()).isEqualTo(completion.tokenIds().length + 1);
    }

    @Test
    void a_full_context_ends_the_generation() {
        Completion completion = decoder(new ScriptedTargetModel(40), SpeculationSettings.DEFAULT)
                .generate(GenerationRequest.greedy(PROMPT, 100));
        assertThat(completion.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
        assertThat(PROMPT.length + completion.tokenIds().length).isEqualTo(40);
    }

    @Test
    void a_stop_string_ends_the_text_before_it() {
        int[] tokens = expected(4, 30);
        String stop = "t" + tokens[5] + " "; // the cycle is 13 long, so index 5 is its first occurrence
        Completion completion = decoder(new ScriptedTargetModel(512), SpeculationSettings.DEFAULT)
                .generate(new GenerationRequest(PROMPT, 100, SamplingParams.GREEDY, List.of(stop)));
        StringBuilder before = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            before.append('t').append(tokens[i]).append(' ');
        }
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP_STRING);
        assertThat(completion.text()).isEqualTo(before.toString());
    }

    @Test
    void streamed_deltas_add_up_to_the_completion_text() {
        StringBuilder streamed = new StringBuilder();
        int[] count = {0};
        Completion completion = decoder(new ScriptedTargetModel(512), SpeculationSettings.DEFAULT)
                .generate(GenerationRequest.greedy(PROMPT, 120), (delta, ids) -> {
                    streamed.append(delta);
                    count[0] += ids.length;
                });
        assertThat(streamed.toString()).isEqualTo(completion.text());
        assertThat(count[0]).isEqualTo(120);
    }

    @Test
    void a_drafter_that_keeps_failing_gives_way_to_the_next_one_without_shortening_its_drafts() {
        // Drafts a token the target never chooses next, every time it is asked.
        Drafter wrong = (history, max, draft) -> {
            draft[0] = (ScriptedTargetModel.next(history.get(history.length() - 1)) + 1) % ScriptedTargetModel.VOCAB;
            return 1;
        };
        // Drafts exactly what the target writes.
        Drafter right = (history, max, draft) -> {
            int last = history.get(history.length() - 1);
            for (int i = 0; i < max; i++) {
                last = ScriptedTargetModel.next(last);
                draft[i] = last;
            }
            return max;
        };
        SpeculationSettings settings = SpeculationSettings.DEFAULT.withDraft(16, true);
        ScriptedTargetModel target = new ScriptedTargetModel(512);
        SpeculativeDecoder decoder = new SpeculativeDecoder(
                target,
                ScriptedTargetModel.TEXT,
                new int[0],
                List.of(wrong, right),
                settings,
                VerifyCost.linear(16, 0.05));

        Completion completion = decoder.generate(GenerationRequest.greedy(PROMPT, 200));

        assertThat(completion.tokenIds()).containsExactly(expected(4, 200));
        // One estimate for both drafters would take the first drafter's rejections as evidence
        // against drafting at all and decode the 200 tokens one call at a time
        // (200 calls when both drafters shared one policy). The first drafter still probes now and then.
        assertThat(target.calls).isLessThan(60);
    }
}
