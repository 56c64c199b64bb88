package io.specops.decoding;

/**
 * Speculative decoding with a verify-and-accept rule that keeps the target's output exactly.
 *
 * <p>Each step proposes a draft, verifies it with one target call on top of the KV cache (the last
 * accepted token followed by the draft), accepts the longest prefix of the draft that matches the
 * tokens the target itself chooses at those positions plus the target's own next token (the bonus
 * token on full acceptance, the correction otherwise), and rolls the KV cache back past the
 * rejected draft tokens. Because every emitted token is the token the target chooses at its
 * position, with the same sampler and the same per-position random number, the output equals plain
 * decoding token for token; the draft only changes how many target calls it takes.
 *
 * <p>With speculation off, or when the {@link DraftLengthPolicy} declines to draft, a step is a
 * plain one-token call through the same code, so the baseline is the same loop minus the drafts.
 *
 * <p>Thread-safe if the target model is: all per-request state lives in a {@link Generation}.
 */
public final class SpeculativeDecoder {

    private final TargetModel target;
    private final Detokenizer detokenizer;
    private final int[] endTokenIds;
    private final Drafter drafter;
    private final SpeculationSettings settings;
    private final VerifyCost verifyCost;

    public SpeculativeDecoder(
            TargetModel target,
            Detokenizer detokenizer,
            int[] endTokenIds,
            Drafter drafter,
            SpeculationSettings settings,
            VerifyCost verifyCost) {
        this.target = target;
        this.detokenizer = detokenizer;
        this.endTokenIds = endTokenIds.clone();
        this.drafter = drafter;
        this.settings = settings;
        this.verifyCost = verifyCost;
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
        DraftLengthPolicy policy = new DraftLengthPolicy(settings, verifyCost);
        Generation generation = new Generation(
                request,
                detokenizer,
                target.vocabSize(),
                target.contextLength(),
                endTokenIds,
                policy,
                settings.maxDraftTokens());
        try (TargetSequence sequence = target.openSequence()) {
            prefill(generation, sequence, listener);
            while (!generation.finished()) {
                step(generation, sequence, listener);
            }
            return generation.complete(sequence.inferenceNanos());
        }
    }

    public Completion generate(GenerationRequest request) {
        return generate(request, TokenStreamListener.IGNORE);
    }

    /** Runs the prompt through the target and takes the first generated token. */
    private void prefill(Generation generation, TargetSequence sequence, TokenStreamListener listener) {
        int[] prompt = generation.request.promptIds();
        float[] logits = sequence.forward(prompt, 0, prompt.length, 1);
        generation.targetCalls++;
        int textMark = generation.output.length();
        generation.accept(generation.sampler.sample(logits, 0, prompt.length));
        generation.emitStep(listener, textMark);
    }

    /** One propose, verify, accept, roll back, emit cycle. */
    private void step(Generation generation, TargetSequence sequence, TokenStreamListener listener) {
        int cachedTokens = sequence.cachedTokens();
        int drafted = propose(generation, cachedTokens);

        int[] input = generation.verifyInput;
        input[0] = generation.history.get(generation.history.length() - 1);
        System.arraycopy(generation.draft, 0, input, 1, drafted);
        float[] logits = sequence.forward(input, 0, drafted + 1, drafted + 1);
        generation.targetCalls++;

        int textMark = generation.output.length();
        int accepted = acceptLongestPrefix(generation, logits, drafted);
        if (drafted > 0) {
            generation.verifySteps++;
            generation.draftedTokens += drafted;
            generation.countAccepted(accepted);
            generation.policy.onVerified(drafted, accepted);
            if (accepted < drafted && !generation.finished()) {
                sequence.truncate(cachedTokens + 1 + accepted);
            }
        }
        generation.emitStep(listener, textMark);
    }

    /** Asks the drafter for a draft as long as the policy thinks pays; returns its length. */
    private int propose(Generation generation, int cachedTokens) {
        int room = generation.draftRoom(cachedTokens);
        int length = generation.policy.nextDraftLength(room);
        if (length == 0) {
            if (settings.enabled() && room > 0) {
                generation.policy.onSkipped();
            }
            return 0;
        }
        long start = System.nanoTime();
        int drafted = drafter.propose(generation.history, length, generation.draft);
        generation.draftNanos += System.nanoTime() - start;
        return drafted;
    }

    /**
     * Takes the target's token at each verified position, stopping at the first that differs from
     * the draft (that token is the correction) or after the last (the bonus token). Returns the
     * number of draft tokens accepted.
     */
    private static int acceptLongestPrefix(Generation generation, float[] logits, int drafted) {
        int vocab = generation.sampler.vocabSize();
        for (int i = 0; i <= drafted; i++) {
            int position = generation.history.length();
            int token = generation.sampler.sample(logits, i * vocab, position);
            generation.accept(token);
            if (generation.finished() || i == drafted || token != generation.draft[i]) {
                return i == drafted || token != generation.draft[i] ? i : i + 1;
            }
        }
        throw new AssertionError("unreachable: the loop returns at i == drafted");
    }
}
