package io.specops.decoding;

import java.util.Arrays;
import java.util.List;

/**
 * Speculative decoding with a verify-and-accept rule that keeps the target's output exactly.
 *
 * <p>Each step proposes a draft, verifies it with one target call on top of the KV cache (the last
 * accepted token followed by the draft), accepts the longest prefix of the draft that matches the
 * tokens the target itself chooses at those positions plus the target's own next token (the bonus
 * token on full acceptance, the correction otherwise), and rolls the KV cache back past the
 * rejected draft tokens. The prompt's own call verifies a first draft the same way: the drafter
 * continues the prompt, and the draft rides along after it. Because every emitted token is the
 * token the target chooses at its position, with the same sampler and the same per-position random
 * number, the output equals plain decoding token for token; the draft only changes how many target
 * calls it takes.
 *
 * <p>That holds exactly only if a verify pass's logits equal a one-token call's, and on CPU they do
 * not: the runtime rounds a call over several tokens differently, by about 1e-5 on stories260k, and
 * the keys and values such a call writes carry the difference into every later call. A greedy
 * choice whose top two logits are closer than {@link SpeculationSettings#tieMargin()} is therefore
 * not taken from such logits: the decoder recomputes the sequence on a fresh cache with plain
 * decoding's own calls and makes the choice from those (a tie replay, counted in the statistics).
 *
 * <p>The decoder asks its drafters in order of preference, each with a {@link DraftLengthPolicy} of
 * its own, and takes the first draft offered. Drafters differ widely in how often they are right
 * (in {@code bench --ngrams} the shared n-gram statistics' drafts are accepted 89-98% of the time,
 * prompt lookup's 25-40%), so one drafter's rejections must not shorten another's drafts, nor stop
 * a drafter that is right from being asked. With speculation off, or when no drafter offers a
 * draft, a step is a plain one-token call through the same code, so the baseline is the same loop
 * minus the drafts.
 *
 * <p>Thread-safe if the target model is: all per-request state lives in a {@link Generation}; the
 * one thing requests share is the draft-length evidence each leaves for the next, which changes
 * how many target calls a request takes but never its tokens.
 */
public final class SpeculativeDecoder {

    private final TargetModel target;
    private final Detokenizer detokenizer;
    private final int[] endTokenIds;
    private final List<Drafter> drafters;
    private final SpeculationSettings settings;
    private final VerifyCost verifyCost;
    /** Per drafter: what this decoder's last request saw of its drafts, for the next request. */
    private final List<DraftLengthPolicy.Memory> draftMemory;

    public SpeculativeDecoder(
            TargetModel target,
            Detokenizer detokenizer,
            int[] endTokenIds,
            Drafter drafter,
            SpeculationSettings settings,
            VerifyCost verifyCost) {
        this(target, detokenizer, endTokenIds, List.of(drafter), settings, verifyCost);
    }

    /** @param drafters in order of preference: a step drafts with the first that offers a draft */
    public SpeculativeDecoder(
            TargetModel target,
            Detokenizer detokenizer,
            int[] endTokenIds,
            List<Drafter> drafters,
            SpeculationSettings settings,
            VerifyCost verifyCost) {
        if (drafters.isEmpty()) {
            throw new IllegalArgumentException("at least one drafter is needed (Drafter.NONE drafts nothing)");
        }
        this.target = target;
        this.detokenizer = detokenizer;
        this.endTokenIds = endTokenIds.clone();
        this.drafters = List.copyOf(drafters);
        this.settings = settings;
        this.verifyCost = verifyCost;
        this.draftMemory =
                drafters.stream().map(d -> new DraftLengthPolicy.Memory()).toList();
    }

    public SpeculationSettings settings() {
        return settings;
    }

    /** Generates one completion, streaming accepted text to {@code listener} as it goes. */
    public Completion generate(GenerationRequest request, TokenStreamListener listener) {
        int promptTokens = request.promptIds().length;
        if (promptTokens >= target.contextLength()) {
            throw new PromptTooLongException(promptTokens, target.contextLength());
        }
        List<DraftLengthPolicy> policies = draftMemory.stream()
                .map(memory -> memory.newPolicy(settings, verifyCost))
                .toList();
        Generation generation = new Generation(
                request,
                detokenizer,
                target.vocabSize(),
                target.contextLength(),
                endTokenIds,
                policies,
                settings.maxDraftTokens());
        generation.sequence = target.openSequence();
        try {
            prefill(generation, listener);
            while (!generation.finished()) {
                step(generation, listener);
            }
            for (int i = 0; i < policies.size(); i++) {
                draftMemory.get(i).remember(policies.get(i));
            }
            return generation.complete();
        } finally {
            generation.sequence.close();
        }
    }

    public Completion generate(GenerationRequest request) {
        return generate(request, TokenStreamListener.IGNORE);
    }

    /**
     * Runs the prompt through the target with the drafter's continuation of it appended, so that the
     * prompt's own call verifies a first draft; without one it takes the first token alone. The
     * prompt's last token plays the part of the last accepted token.
     */
    private void prefill(Generation generation, TokenStreamListener listener) {
        int[] prompt = generation.request.promptIds();
        int drafted = propose(generation, prompt.length - 1);
        int[] input = prompt;
        if (drafted > 0) {
            input = Arrays.copyOf(prompt, prompt.length + drafted);
            System.arraycopy(generation.draft, 0, input, prompt.length, drafted);
        }
        float[] logits = generation.sequence.forward(input, 0, input.length, drafted + 1);
        generation.cacheDrifted |= drafted > 0;
        settle(generation, listener, logits, drafted, prompt.length);
    }

    /** One propose, verify, accept, roll back, emit cycle. */
    private void step(Generation generation, TokenStreamListener listener) {
        int cachedTokens = generation.sequence.cachedTokens();
        int drafted = propose(generation, cachedTokens);

        int[] input = generation.verifyInput;
        input[0] = generation.history.get(generation.history.length() - 1);
        System.arraycopy(generation.draft, 0, input, 1, drafted);
        float[] logits = generation.sequence.forward(input, 0, drafted + 1, drafted + 1);
        generation.cacheDrifted |= drafted > 0;
        settle(generation, listener, logits, drafted, cachedTokens + 1);
    }

    /**
     * Accepts what one target call settled from its {@code drafted + 1} rows of logits, rolls the
     * cache back to {@code keptTokens} plus the accepted draft tokens when part of the draft was
     * rejected, and emits the step.
     */
    private void settle(
            Generation generation, TokenStreamListener listener, float[] logits, int drafted, int keptTokens) {
        generation.targetCalls++;
        int textMark = generation.output.length();
        TargetSequence verified = generation.sequence;
        int accepted = acceptLongestPrefix(generation, logits, drafted);
        if (drafted > 0) {
            generation.verifySteps++;
            generation.draftedTokens += drafted;
            generation.countAccepted(accepted);
            generation.draftPolicy.onVerified(drafted, accepted);
            if (accepted < drafted && !generation.finished() && generation.sequence == verified) {
                verified.truncate(keptTokens + accepted);
            }
        }
        generation.emitStep(listener, textMark);
    }

    /**
     * Asks each drafter in turn for a draft as long as its policy thinks pays, and returns the length
     * of the first one offered (0 for none). A drafter whose policy declines counts the step as
     * skipped, so that its evidence fades and it probes again later.
     */
    private int propose(Generation generation, int cachedTokens) {
        generation.draftPolicy = null;
        int room = generation.draftRoom(cachedTokens);
        if (!settings.enabled() || room <= 0) {
            return 0;
        }
        for (int i = 0; i < drafters.size(); i++) {
            DraftLengthPolicy policy = generation.policies.get(i);
            int length = policy.nextDraftLength(room);
            if (length == 0) {
                policy.onSkipped();
                continue;
            }
            long start = System.nanoTime();
            int drafted = drafters.get(i).propose(generation.history, length, generation.draft);
            generation.draftNanos += System.nanoTime() - start;
            if (drafted > 0) {
                generation.draftPolicy = policy;
                return drafted;
            }
        }
        return 0;
    }

    /**
     * Takes the target's token at each verified position, stopping at the first that differs from
     * the draft (that token is the correction) or after the last (the bonus token). Returns the
     * number of draft tokens accepted.
     *
     * <p>A choice closer than the tie margin, read from a cache a verify pass wrote, is not taken
     * from these logits: {@link #replayPlain} makes it from plain decoding's own, and the step ends
     * there.
     */
    private int acceptLongestPrefix(Generation generation, float[] logits, int drafted) {
        Sampler sampler = generation.sampler;
        int vocab = sampler.vocabSize();
        for (int i = 0; i <= drafted; i++) {
            int position = generation.history.length();
            int token = sampler.sample(logits, i * vocab, position);
            if (generation.cacheDrifted && sampler.lastMargin() < settings.tieMargin()) {
                generation.accept(replayPlain(generation));
                return i;
            }
            generation.accept(token);
            if (generation.finished() || i == drafted || token != generation.draft[i]) {
                return i == drafted || token != generation.draft[i] ? i : i + 1;
            }
        }
        throw new AssertionError("unreachable: the loop returns at i == drafted");
    }

    /**
     * Recomputes the sequence so far on a fresh cache with the calls plain decoding makes (the prompt
     * in one call, then each generated token alone), swaps it in, and returns the token plain
     * decoding chooses next. Verify passes round a call over several tokens differently from a
     * one-token call, in the last bits, and their keys and values carry that into every later call;
     * only the plain calls themselves give plain decoding's logits. This costs a plain run up to the
     * current position, and is needed only where a choice is within the tie margin.
     */
    private int replayPlain(Generation generation) {
        int[] tokens = generation.history.array();
        int length = generation.history.length();
        int promptTokens = generation.request.promptIds().length;
        TargetSequence fresh = target.openSequence();
        float[] logits;
        boolean swapped = false;
        try {
            logits = fresh.forward(tokens, 0, promptTokens, 1);
            for (int position = promptTokens; position < length; position++) {
                logits = fresh.forward(tokens, position, 1, 1);
            }
            generation.replaceSequence(fresh);
            swapped = true;
        } finally {
            if (!swapped) {
                fresh.close();
            }
        }
        generation.targetCalls += 1 + length - promptTokens;
        generation.tieReplays++;
        return generation.sampler.sample(logits, 0, length);
    }
}
