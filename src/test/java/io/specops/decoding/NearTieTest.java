package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A near-tie that verify passes' rounding flips, against a fake target that behaves the way ONNX
 * Runtime's CPU kernels do: a call over several tokens rounds differently from a one-token call, and
 * the difference stays in the keys and values it wrote, so every later call on that cache sees it.
 */
class NearTieTest {

    /** Prompt: two turns of the scripted cycle, so prompt lookup drafts the whole continuation. */
    private static final int[] PROMPT = cycle(0, 27);

    /** The position whose two best tokens are 1e-5 apart, well inside the default tie margin. */
    private static final int TIE_POSITION = PROMPT.length + 40;

    /** The token that wins the tie only in logits from a drifted cache. */
    private static final int RIVAL = 1;

    private static int[] cycle(int first, int length) {
        int[] tokens = new int[length];
        tokens[0] = first;
        for (int i = 1; i < length; i++) {
            tokens[i] = ScriptedTargetModel.next(tokens[i - 1]);
        }
        return tokens;
    }

    /**
     * The scripted cycle, except at {@link #TIE_POSITION}, where the scripted token leads {@link
     * #RIVAL} by 1e-5 in one-token calls on a cache only such calls wrote, and trails it by 1e-5 once
     * any call of several rows has written to the cache.
     */
    private static final class DriftingTarget implements TargetModel {

        int calls;

        @Override
        public int vocabSize() {
            return ScriptedTargetModel.VOCAB;
        }

        @Override
        public int contextLength() {
            return 512;
        }

        @Override
        public TargetSequence openSequence() {
            return new TargetSequence() {
                private final List<Integer> cache = new ArrayList<>();
                private final List<Boolean> drifted = new ArrayList<>();

                @Override
                public int cachedTokens() {
                    return cache.size();
                }

                @Override
                public float[] forward(int[] tokens, int from, int count, int logitRows) {
                    calls++;
                    boolean verifyShaped = logitRows > 1;
                    for (int i = 0; i < count; i++) {
                        cache.add(tokens[from + i]);
                        drifted.add(verifyShaped);
                    }
                    boolean anyDrift = drifted.contains(Boolean.TRUE);
                    int vocab = vocabSize();
                    float[] logits = new float[logitRows * vocab];
                    for (int row = 0; row < logitRows; row++) {
                        int context = cache.size() - logitRows + row + 1;
                        int scripted = ScriptedTargetModel.next(cache.get(context - 1));
                        logits[row * vocab + scripted] = 5.0f;
                        if (context == TIE_POSITION) {
                            logits[row * vocab + RIVAL] = anyDrift ? 5.00001f : 4.99999f;
                        }
                    }
                    return logits;
                }

                @Override
                public void truncate(int cachedTokens) {
                    cache.subList(cachedTokens, cache.size()).clear();
                    drifted.subList(cachedTokens, drifted.size()).clear();
                }

                @Override
                public long inferenceNanos() {
                    return 0;
                }

                @Override
                public void close() {}
            };
        }
    }

    private static Completion generate(DriftingTarget target, SpeculationSettings settings) {
        SpeculativeDecoder decoder = new SpeculativeDecoder(
                target,
                ScriptedTargetModel.TEXT,
                new int[0],
                new PromptLookupDrafter(1, 3),
                settings,
                VerifyCost.linear(settings.maxDraftTokens(), 0.05));
        return decoder.generate(GenerationRequest.greedy(PROMPT, 100));
    }

    @Test
    void without_the_guard_speculation_parts_from_plain_decoding_at_the_tie() {
        Completion plain = generate(new DriftingTarget(), SpeculationSettings.OFF);
        Completion unguarded = generate(new DriftingTarget(), SpeculationSettings.DEFAULT.withTieMargin(0));

        int tie = TIE_POSITION - PROMPT.length;
        assertThat(plain.tokenIds()[tie]).isNotEqualTo(RIVAL);
        assertThat(unguarded.tokenIds()[tie]).isEqualTo(RIVAL);
        assertThat(unguarded.stats().tieReplays()).isZero();
    }

    @Test
    void the_guard_makes_the_tied_choice_from_plain_logits_and_keeps_speculating() {
        Completion plain = generate(new DriftingTarget(), SpeculationSettings.OFF);
        DriftingTarget target = new DriftingTarget();
        Completion guarded = generate(target, SpeculationSettings.DEFAULT);

        assertThat(guarded.tokenIds()).containsExactly(plain.tokenIds());
        assertThat(guarded.text()).isEqualTo(plain.text());
        assertThat(guarded.stats().tieReplays()).isEqualTo(1);
        // The replay is a plain run up to the tie (prompt call plus 40 one-token calls); the rest of
        // the 100 tokens still come a draft at a time.
        int replayCalls = 1 + TIE_POSITION - PROMPT.length;
        assertThat(guarded.stats().targetCalls()).isEqualTo(target.calls).isLessThan(replayCalls + 20);
        assertThat(guarded.stats().meanAcceptanceLength()).isGreaterThan(5);
    }

    @Test
    void plain_decoding_never_replays() {
        DriftingTarget target = new DriftingTarget();
        Completion plain = generate(target, SpeculationSettings.OFF);

        assertThat(plain.stats().tieReplays()).isZero();
        assertThat(target.calls).isEqualTo(100);
    }
}
