package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.bench.Workloads;
import io.specops.engine.DrafterMode;
import io.specops.engine.Engine;
import io.specops.ngram.NgramCounts;
import io.specops.ngram.NgramDelta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promise the engine exists for: speculative decoding emits exactly the plain decoder's tokens,
 * for every prompt, draft setting and sampling setting, on both real models.
 */
class SpeculativeEqualsPlainTest {

    private static final List<SpeculationSettings> DRAFT_SETTINGS = List.of(
            SpeculationSettings.DEFAULT.withDraft(1, false),
            SpeculationSettings.DEFAULT.withDraft(4, false),
            SpeculationSettings.DEFAULT.withDraft(16, false),
            SpeculationSettings.DEFAULT);

    private static final List<SamplingParams> SAMPLINGS =
            List.of(SamplingParams.GREEDY, new SamplingParams(1.0, 1.0, 0, 7), new SamplingParams(0.8, 0.9, 40, 1234));

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("stories260k", TestModels.stories(), 48, 1000, 100),
                Arguments.of("tiny-random-llama-fp16", TestModels.tinyRandomFp16(), 16, 50, 5));
    }

    /** 50 prompts: the 30 benchmark story openers and 20 of other shapes, repetitive ones included. */
    static List<String> prompts() {
        List<String> prompts = new ArrayList<>(Workloads.storyOpeners());
        prompts.addAll(List.of(
                "The cat sat on the mat. The cat sat on the mat. The cat",
                "one two three four one two three four one two",
                "Lily said, \"I like the park.\" Tom said, \"I like the park too.\" Lily said,",
                "A B C D E F G A B C D E F G A B C",
                "Once upon a time",
                "The dog ran. The dog ran. The dog ran. The dog ran.",
                "1, 2, 3, 4, 5, 6, 7, 8,",
                "Mom and dad went to the shop to buy milk and bread and eggs.",
                "café über 123 ☃",
                "Hello world",
                "She was happy. He was happy. They were happy. We were",
                "Tim had a ball. The ball was red. Tim liked the red ball. Tim",
                "Once there was a king who had a big castle with a big garden.",
                "The end.",
                "Sue and Ben played in the snow and made a snowman with a carrot nose.",
                "\"Can I play?\" asked the little boy. \"Yes, you can play,\" said the girl.",
                "The sky was blue and the grass was green and the sun was yellow.",
                "Max the dog liked bones. Max the dog liked balls. Max the dog liked",
                "It was a dark night and the moon was big.",
                "x"));
        return prompts;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void speculative_output_equals_plain_output_for_every_prompt_and_setting(
            String name, Path modelDirectory, int maxTokens, int minDrafted, int minAccepted) {
        List<String> prompts = prompts();
        assertThat(prompts).hasSize(50);
        List<String> mismatches = new ArrayList<>();
        long drafted = 0;
        long accepted = 0;
        try (Engine engine = TestModels.engine(modelDirectory, SpeculationSettings.DEFAULT)) {
            for (SamplingParams sampling : SAMPLINGS) {
                for (String prompt : prompts) {
                    GenerationRequest request =
                            new GenerationRequest(engine.encode(prompt), maxTokens, sampling, List.of());
                    Completion plain = engine.generate(request, false, TokenStreamListener.IGNORE);
                    for (SpeculationSettings settings : DRAFT_SETTINGS) {
                        Completion speculative = decoder(engine, settings).generate(request);
                        drafted += speculative.stats().draftedTokens();
                        accepted += speculative.stats().acceptedTokens();
                        noteMismatch(
                                mismatches, sampling + " / " + settings + " / '" + prompt + "'", plain, speculative);
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
        // The comparison means something only if drafts were checked and some were accepted. Random
        // weights repeat themselves less than a trained model, so that model drafts less.
        assertThat(drafted).isGreaterThan(minDrafted);
        assertThat(accepted).isGreaterThan(minAccepted);
    }

    /**
     * The shared n-gram store drafts far longer than prompt lookup (up to the 32-token cap, from
     * 32- and 16-token contexts) and is wrong wherever the texts it learned part ways. Its drafts,
     * through the engine's combined drafter, must leave every output as plain decoding's too. The
     * store learns each prompt's greedy continuation and a sampled one, so it holds conflicting
     * continuations for the same contexts.
     */
    @Test
    void drafts_from_the_shared_store_leave_every_output_equal_to_plain() {
        int maxTokens = 48;
        List<String> mismatches = new ArrayList<>();
        long drafted = 0;
        long accepted = 0;
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            learn(engine, prompts(), 2 * maxTokens);
            for (SamplingParams sampling : SAMPLINGS) {
                for (String prompt : prompts()) {
                    GenerationRequest request =
                            new GenerationRequest(engine.encode(prompt), maxTokens, sampling, List.of());
                    Completion plain = engine.generate(request, DrafterMode.NONE, TokenStreamListener.IGNORE);
                    Completion combined = engine.generate(request, DrafterMode.COMBINED, TokenStreamListener.IGNORE);
                    drafted += combined.stats().draftedTokens();
                    accepted += combined.stats().acceptedTokens();
                    noteMismatch(mismatches, sampling + " / '" + prompt + "'", plain, combined);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        // The store must really have drafted: one run measured 4281 draft tokens with 2501 accepted
        // over these 150 requests; with the store left empty, prompt lookup alone drafts far fewer.
        assertThat(drafted).isGreaterThan(3_000);
        assertThat(accepted).isGreaterThan(1_500);
    }

    /** Adds a line to {@code mismatches} if {@code speculative} differs from {@code plain} in tokens, text or ending. */
    private static void noteMismatch(List<String> mismatches, String run, Completion plain, Completion speculative) {
        if (!Arrays.equals(plain.tokenIds(), speculative.tokenIds())
                || plain.finishReason() != speculative.finishReason()
                || !plain.text().equals(speculative.text())) {
            mismatches.add(run + ": plain " + Arrays.toString(plain.tokenIds()) + ", speculative "
                    + Arrays.toString(speculative.tokenIds()));
        }
    }

    /** Loads the store with each prompt's greedy and one sampled continuation, merged as the aggregation merges. */
    private static void learn(Engine engine, List<String> prompts, int maxTokens) {
        int capacity = engine.ngramSettings().maxContinuations();
        Map<NgramDelta.ByteKey, NgramCounts> merged = new HashMap<>();
        for (SamplingParams sampling : List.of(SamplingParams.GREEDY, new SamplingParams(1.0, 1.0, 0, 99))) {
            for (String prompt : prompts) {
                int[] promptIds = engine.encode(prompt);
                Completion completion = engine.generate(
                        new GenerationRequest(promptIds, maxTokens, sampling, List.of()),
                        DrafterMode.NONE,
                        TokenStreamListener.IGNORE);
                int[] sequence = Arrays.copyOf(promptIds, promptIds.length + completion.tokenIds().length);
                System.arraycopy(completion.tokenIds(), 0, sequence, promptIds.length, completion.tokenIds().length);
                NgramDelta.of(sequence, sequence.length, engine.ngramSettings().orders(), capacity)
                        .forEach((key, counts) -> merged.merge(key, counts, (a, b) -> a.merge(b, capacity)));
            }
        }
        merged.forEach((key, counts) -> engine.ngrams().put(key.bytes(), counts.toBytes()));
    }

    /**
     * A real near-tie: after this prompt, plain greedy decoding's generated token 111 wins by 7.6e-6
     * (16.121744 against 16.121737), less than verify passes' rounding moves logits on this model.
     * Without the tie guard the speculative run takes the other token there and writes another
     * story; with it, the choice is made from logits computed the plain way. Whether the tie flips
     * depends on the drafts before it, so the runs draft as freely as the defaults once did
     * (drafting wherever a gain of 5% is expected), a schedule under which it does.
     */
    @Test
    void the_tie_guard_keeps_a_real_near_tie_on_plain_decodings_side() {
        String prompt = "One morning, the farmer found an egg in the barn. Mia saw a shiny car.";
        SpeculationSettings eager = new SpeculationSettings(true, 32, 1, 4, true, 1.05, 0.5, 1e-4);
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            GenerationRequest request = GenerationRequest.greedy(engine.encode(prompt), 300);
            Completion plain = engine.generate(request, false, TokenStreamListener.IGNORE);
            Completion guarded = decoder(engine, eager).generate(request);
            Completion unguarded = decoder(engine, eager.withTieMargin(0)).generate(request);

            assertThat(guarded.tokenIds()).containsExactly(plain.tokenIds());
            assertThat(guarded.stats().tieReplays()).isPositive();
            assertThat(unguarded.tokenIds())
                    .as("the tie goes the other way without the guard")
                    .isNotEqualTo(plain.tokenIds());
            assertThat(unguarded.tokenIds()[111]).isNotEqualTo(plain.tokenIds()[111]);
        }
    }

    private static SpeculativeDecoder decoder(Engine engine, SpeculationSettings settings) {
        return new SpeculativeDecoder(
                engine.model().target(),
                engine.model().tokenizer(),
                engine.model().endTokenIds(),
                new PromptLookupDrafter(settings.minNgram(), settings.maxNgram()),
                settings,
                engine.verifyCost());
    }
}
