package io.specops.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A terminal record as the client received it.
 *
 * @param record the whole completion record (topics/completions.json)
 * @param firstChunkNanos {@link System#nanoTime()} when the request's first chunk arrived, or -1
 * @param sentNanos {@link System#nanoTime()} when the prompt was sent
 */
public record CompletionResult(
        String requestId, JsonNode record, String streamedText, long sentNanos, long firstChunkNanos) {

    public boolean finished() {
        return "finished".equals(record.path("status").asText());
    }

    public String text() {
        return record.path("text").asText();
    }

    public String finishReason() {
        return record.path("finish_reason").asText();
    }

    public String errorMessage() {
        return record.path("error").path("message").asText(null);
    }
}
