package io.specops.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One submitted prompt: its streamed text, delivered once per character however many attempts the
 * workers needed, and its terminal record. Updated by the client's consumer thread.
 */
public final class CompletionHandle {

    private final String requestId;
    private final long sentNanos;
    private final Consumer<String> onText;
    private final CompletableFuture<CompletionResult> result = new CompletableFuture<>();
    private final CompletableFuture<JsonNode> metrics = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private volatile long firstChunkNanos = -1;
    private int duplicateChunks;

    CompletionHandle(String requestId, long sentNanos, Consumer<String> onText) {
        this.requestId = requestId;
        this.sentNanos = sentNanos;
        this.onText = onText;
    }

    public String requestId() {
        return requestId;
    }

    /** Completes with the first terminal record; later copies of it (a retried attempt) are ignored. */
    public CompletableFuture<CompletionResult> result() {
        return result.copy();
    }

    /** Completes with the request's metrics record (topics/metrics.json), sent with the terminal record. */
    public CompletableFuture<JsonNode> metrics() {
        return metrics.copy();
    }

    /** The prompt could not be sent. */
    void fail(Throwable error) {
        result.completeExceptionally(error);
        metrics.completeExceptionally(error);
    }

    /** Chunks whose text had all been delivered already (from a retried attempt or a redelivery). */
    public synchronized int duplicateChunks() {
        return duplicateChunks;
    }

    /**
     * A chunk of any attempt: every attempt regenerates the same text, so the part of its delta
     * beyond what was delivered is new and the rest is a duplicate.
     */
    synchronized void onChunk(JsonNode chunk) {
        if (firstChunkNanos < 0) {
            firstChunkNanos = System.nanoTime();
        }
        String delta = chunk.path("delta").asText();
        int offset = chunk.path("text_offset").asInt();
        int end = offset + delta.length();
        if (end <= text.length() || offset > text.length()) {
            // Already delivered, or a gap (chunks of a later attempt before its earlier ones arrive).
            if (end <= text.length()) {
                duplicateChunks++;
            }
            return;
        }
        String fresh = delta.substring(text.length() - offset);
        text.append(fresh);
        if (!fresh.isEmpty()) {
            onText.accept(fresh);
        }
    }

    void onMetrics(JsonNode record) {
        metrics.complete(record);
    }

    synchronized void onTerminal(JsonNode record) {
        // The final chunks travel on another topic and may still be on their way: the terminal record's
        // text is authoritative, so whatever of it has not been streamed yet is streamed now.
        String finalText = record.path("text").asText("");
        if (finalText.length() > text.length() && finalText.startsWith(text.toString())) {
            String rest = finalText.substring(text.length());
            text.append(rest);
            onText.accept(rest);
        }
        if (!result.isDone()) {
            result.complete(new CompletionResult(requestId, record, text.toString(), sentNanos, firstChunkNanos));
        }
    }
}
