package io.specops.decoding;

import java.util.Arrays;
import java.util.List;

/**
 * The mutable state of one request while it is decoded: its tokens, text, statistics and how it
 * ended. Owned by one decoding thread.
 */
final class Generation {

    final GenerationRequest request;
    final TokenHistory history;
    final Sampler sampler;
    /** One per drafter, in the decoder's order of preference. */
    final List<DraftLengthPolicy> policies;
    /** The policy of the drafter whose draft the current step verifies; null for a plain step. */
    DraftLengthPolicy draftPolicy;

    final TextStream text;
    final StringBuilder output = new StringBuilder();
    /** Scratch for the next target call: the last accepted token, then the draft. */
    final int[] verifyInput;
    /** Scratch for the drafter's proposal. */
    final int[] draft;

    private final int[] endTokenIds;
    private final int contextLength;
    private final long startNanos;
    private final int[] stepTokens;
    private int stepTokenCount;
    /** Entry i: drafts whose token at 0-based draft position i was accepted. */
    private final int[] acceptedByPosition;
    // The step timeline: per target call, when its tokens were settled and how many the target produced.
    private long[] stepSettledNanos = new long[64];
    private int[] stepGeneratedTokens = new int[64];
    private int steps;
    private int generatedBeforeStep;

    int generatedTokens;
    int targetCalls;
    int verifySteps;
    int draftedTokens;
    int acceptedTokens;
    int tieReplays;
    long draftNanos;
    FinishReason finishReason;

    /** The sequence being decoded; a tie replay swaps in a fresh one. */
    TargetSequence sequence;
    /**
     * True once a verify pass has written to {@link #sequence}'s cache. From then on its logits may
     * differ from plain decoding's in the last bits, and near-ties are not taken from them.
     */
    boolean cacheDrifted;
    /** Inference time of the sequences that tie replays retired. */
    private long retiredInferenceNanos;

    Generation(
            GenerationRequest request,
            Detokenizer detokenizer,
            int vocabSize,
            int contextLength,
            int[] endTokenIds,
            List<DraftLengthPolicy> policies,
            int maxDraftTokens) {
        this.request = request;
        this.history = new TokenHistory(request.promptIds(), request.promptIds().length + request.maxTokens());
        this.sampler = new Sampler(request.sampling(), vocabSize);
        this.policies = policies;
        this.text = new TextStream(detokenizer, history, request.stopStrings());
        this.endTokenIds = endTokenIds;
        this.contextLength = contextLength;
        this.verifyInput = new int[maxDraftTokens + 1];
        this.draft = new int[maxDraftTokens];
        this.stepTokens = new int[maxDraftTokens + 1];
        this.acceptedByPosition = new int[maxDraftTokens];
        this.startNanos = System.nanoTime();
    }

    /** Makes {@code fresh}, whose cache holds the same tokens computed the plain way, the sequence. */
    void replaceSequence(TargetSequence fresh) {
        retiredInferenceNanos += sequence.inferenceNanos();
        sequence.close();
        sequence = fresh;
        cacheDrifted = false;
    }

    boolean finished() {
        return finishReason != null;
    }

    /** Tokens a draft may still fill: the cache must not outgrow the context, nor the output max_tokens. */
    int draftRoom(int cachedTokens) {
        int byContext = contextLength - cachedTokens - 1;
        int byLength = request.maxTokens() - generatedTokens - 1;
        return Math.max(0, Math.min(byContext, byLength));
    }

    /** Takes one token from the target and applies every stop rule to it. */
    void accept(int token) {
        generatedTokens++;
        if (isEndToken(token)) {
            finishReason = FinishReason.END_TOKEN;
            return;
        }
        history.append(token);
        stepTokens[stepTokenCount++] = token;
        output.append(text.advance());
        if (text.stopped()) {
            finishReason = FinishReason.STOP_STRING;
        } else if (generatedTokens >= request.maxTokens()) {
            finishReason = FinishReason.MAX_TOKENS;
        } else if (history.length() >= contextLength) {
            finishReason = FinishReason.CONTEXT_FULL;
        }
    }

    /** Counts a verify step's {@code accepted} draft tokens, each at its draft position. */
    void countAccepted(int accepted) {
        acceptedTokens += accepted;
        for (int position = 0; position < accepted; position++) {
            acceptedByPosition[position]++;
        }
    }

    /** Marks the end of a target call's step on the timeline and sends what it accepted to the listener. */
    void emitStep(TokenStreamListener listener, int textMark) {
        recordStep(System.nanoTime() - startNanos);
        if (finished()) {
            output.append(text.flush());
        }
        if (stepTokenCount > 0 || output.length() > textMark) {
            listener.onTokens(output.substring(textMark), Arrays.copyOf(stepTokens, stepTokenCount));
        }
        stepTokenCount = 0;
    }

    private void recordStep(long settledNanos) {
        int produced = generatedTokens - generatedBeforeStep;
        if (produced == 0) {
            return;
        }
        if (steps == stepSettledNanos.length) {
            stepSettledNanos = Arrays.copyOf(stepSettledNanos, steps * 2);
            stepGeneratedTokens = Arrays.copyOf(stepGeneratedTokens, steps * 2);
        }
        stepSettledNanos[steps] = settledNanos;
        stepGeneratedTokens[steps] = produced;
        steps++;
        generatedBeforeStep = generatedTokens;
    }

    Completion complete() {
        long inferenceNanos = retiredInferenceNanos + sequence.inferenceNanos();
        // The first step is the prefill, which settles the first token (and any draft verified with the
        // prompt); the last settles the last token.
        long timeToFirstTokenNanos = stepSettledNanos[0];
        long totalNanos = stepSettledNanos[steps - 1];
        int positions = acceptedByPosition.length;
        while (positions > 0 && acceptedByPosition[positions - 1] == 0) {
            positions--;
        }
        int promptTokens = request.promptIds().length;
        GenerationStats stats = new GenerationStats(
                promptTokens,
                generatedTokens,
                targetCalls,
                verifySteps,
                draftedTokens,
                acceptedTokens,
                tieReplays,
                timeToFirstTokenNanos,
                totalNanos,
                inferenceNanos,
                draftNanos,
                Arrays.copyOf(acceptedByPosition, positions),
                new StepTimeline(Arrays.copyOf(stepSettledNanos, steps), Arrays.copyOf(stepGeneratedTokens, steps)));
        return new Completion(
                history.copyRange(promptTokens, history.length()), output.toString(), finishReason, stats);
    }

    private boolean isEndToken(int token) {
        for (int end : endTokenIds) {
            if (end == token) {
                return true;
            }
        }
        return false;
    }
}
