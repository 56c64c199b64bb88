package io.specops.streams;

import io.specops.decoding.SamplingParams;
import java.util.List;

/**
 * A validated prompt record.
 *
 * @param promptIds the prompt's token ids, computed once at validation
 * @param speculation false asks for plain decoding (for comparisons)
 */
public record PromptRequest(
        String requestId,
        String sessionId,
        String prompt,
        int[] promptIds,
        int maxTokens,
        SamplingParams sampling,
        List<String> stop,
        boolean speculation) {

    public PromptRequest {
        promptIds = promptIds.clone();
        stop = List.copyOf(stop);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    /** The key ordering this request's turns: its session, else itself. */
    public String orderingKey() {
        return sessionId != null ? sessionId : requestId;
    }
}
