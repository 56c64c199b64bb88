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
        boolean speculation) {

    public PromptSpec {
        stop = List.copyOf(stop);
    }

    public static PromptSpec of(String prompt, int maxTokens) {
        return new PromptSpec(UUID.randomUUID().toString(), null, prompt, maxTokens, 0.0, 1.0, 0, 0L, List.of(), true);
    }

    public PromptSpec withRequestId(String id) {
        return new PromptSpec(id, sessionId, prompt, maxTokens, temperature, topP, topK, seed, stop, speculation);
    }

    public PromptSpec withSampling(double newTemperature, double newTopP, int newTopK, long newSeed) {
        return new PromptSpec(
                requestId, sessionId, prompt, maxTokens, newTemperature, newTopP, newTopK, newSeed, stop, speculation);
    }

    public PromptSpec withSpeculation(boolean enabled) {
        return new PromptSpec(requestId, sessionId, prompt, maxTokens, temperature, topP, topK, seed, stop, enabled);
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
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
