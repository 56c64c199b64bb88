package io.specops.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** A prompt to send; {@link #toJson()} is the record value the worker expects (topics/prompts.json). */
public record PromptSpec(
        String requestId,
        String sessionId,
        String prompt,
        int maxTokens,
        double temperature,
        double topP,
        int topK,
        long seed,
        List<String> stop,
        boolean speculation,
        String drafter) {

    public PromptSpec {
        stop = List.copyOf(stop);
    }

    /** A prompt that lets the worker choose its drafter. */
    public PromptSpec(
            String requestId,
            String sessionId,
            String prompt,
            int maxTokens,
            double temperature,
            double topP,
            int topK,
            long seed,
            List<String> stop,
            boolean speculation) {
        this(requestId, sessionId, prompt, maxTokens, temperature, topP, topK, seed, stop, speculation, null);
    }

    public static PromptSpec of(String prompt, int maxTokens) {
        return new PromptSpec(
                UUID.randomUUID().toString(), null, prompt, maxTokens, 0.0, 1.0, 0, 0L, List.of(), true, null);
    }

    public PromptSpec withRequestId(String id) {
        return new PromptSpec(
                id, sessionId, prompt, maxTokens, temperature, topP, topK, seed, stop, speculation, drafter);
    }

    public PromptSpec withSampling(double newTemperature, double newTopP, int newTopK, long newSeed) {
        return new PromptSpec(
                requestId,
                sessionId,
                prompt,
                maxTokens,
                newTemperature,
                newTopP,
                newTopK,
                newSeed,
                stop,
                speculation,
                drafter);
    }

    public PromptSpec withSpeculation(boolean enabled) {
        return new PromptSpec(
                requestId, sessionId, prompt, maxTokens, temperature, topP, topK, seed, stop, enabled, drafter);
    }

    /** {@code none}, {@code prompt_lookup}, {@code shared_ngrams} or {@code combined}; null lets the worker choose. */
    public PromptSpec withDrafter(String name) {
        return new PromptSpec(
                requestId, sessionId, prompt, maxTokens, temperature, topP, topK, seed, stop, speculation, name);
    }

    public PromptSpec withSession(String session) {
        return new PromptSpec(
                requestId, session, prompt, maxTokens, temperature, topP, topK, seed, stop, speculation, drafter);
    }

    /** The record key: the session, so its turns stay in order, else the request. */
    public String key() {
        return sessionId != null ? sessionId : requestId;
    }

    public byte[] toJson() {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("version", 1);
        node.put("request_id", requestId);
        if (sessionId != null) {
            node.put("session_id", sessionId);
        }
        node.put("prompt", prompt);
        node.put("max_tokens", maxTokens);
        node.put("temperature", temperature);
        node.put("top_p", topP);
        node.put("top_k", topK);
        node.put("seed", seed);
        node.set("stop", new ObjectMapper().valueToTree(stop));
        node.put("speculation", speculation);
        if (drafter != null) {
            node.put("drafter", drafter);
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
