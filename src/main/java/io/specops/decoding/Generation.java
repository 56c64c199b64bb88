package io.specops.decoding;

import java.util.Arrays;

/**
 * The mutable state of one request while it is decoded: its tokens, text, statistics and how it
 * ended. Owned by one decoding thread.
 */
final class Generation {

    final GenerationRequest request;
    final TokenHistory history;
    final Sampler sampler;
    final DraftLengthPolicy policy;
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

    int generatedTokens;
    int targetCalls;
    int verifySteps;
    int draftedTokens;
    int acceptedTokens;
    long draftNanos;
    long timeToFirstTokenNanos = -1;
    FinishReason finishReason;

    Generation(
            GenerationRequest request,
            Detokenizer detokenizer,
            int vocabSize,
            int contextLength,
            int[] endTokenIds,
            DraftLengthPolicy policy,
            int maxDraftTokens) {
        this.request = request;
        this.history = new TokenHistory(request.promptIds(), request.promptIds().length + request.maxTokens());
        this.sampler = new Sampler(request.sampling(), vocabSize);
        this.policy = policy;
        this.text = new TextStream(detokenizer, history, request.stopStrings());
        this.endTokenIds = endTokenIds;
        this.contextLength = contextLength;
        this.verifyInput = new int[maxDraftTokens + 1];
        this.draft = new int[maxDraftTokens];
        this.stepTokens = new int[maxDraftTokens + 1];
        this.startNanos = System.nanoTime();
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
        if (timeToFirstTokenNanos < 0) {
            timeToFirstTokenNanos = System.nanoTime() - startNanos;
        }
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

    /** Sends what this step accepted to the listener. */
    void emitStep(TokenStreamListener listener, int textMark) {
        if (finished()) {
            output.append(text.flush());
        }
        if (stepTokenCount > 0 || output.length() > textMark) {
            listener.onTokens(output.substring(textMark), Arrays.copyOf(stepTokens, stepTokenCount));
        }
        stepTokenCount = 0;
    }

    Completion complete(long inferenceNanos) {
        long totalNanos = System.nanoTime() - startNanos;
        int promptTokens = request.promptIds().length;
        GenerationStats stats = new GenerationStats(
                promptTokens,
                generatedTokens,
                targetCalls,
                verifySteps,
                draftedTokens,
                acceptedTokens,
                timeToFirstTokenNanos,
                totalNanos,
                inferenceNanos,
                draftNanos);
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
