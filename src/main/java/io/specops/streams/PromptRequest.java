package io.specops.streams;

import io.specops.decoding.SamplingParams;
import io.specops.engine.DrafterMode;
import java.util.List;

/**
 * A validated prompt record.
 *
 * @param promptIds the prompt's token ids, computed once at validation
 * @param drafter how this request is drafted ({@link DrafterMode#NONE} decodes plainly)
 */
public record PromptRequest(
        String requestId,
        String sessionId,
        String prompt,
        int[] promptIds,
        int maxTokens,
        SamplingParams sampling,
        List<String> stop,
        DrafterMode drafter) {

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
