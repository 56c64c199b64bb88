package io.specops.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.specops.decoding.Completion;
import io.specops.decoding.GenerationStats;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The JSON values the worker writes, one method per record type of {@code topics/}. */
final class OutputRecords {

    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputRecords() {}

    static byte[] chunk(
            String requestId,
            int attempt,
            int seq,
            int textOffset,
            int tokenOffset,
            String delta,
            int[] tokenIds,
            String finishReason,
            ObjectNode usage) {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", VERSION);
        node.put("id", requestId);
        node.put("object", "completion.chunk");
        node.put("attempt", attempt);
        node.put("seq", seq);
        node.put("text_offset", textOffset);
        node.put("token_offset", tokenOffset);
        node.put("delta", delta);
        node.set("token_ids", ids(tokenIds));
        node.put("finish_reason", finishReason);
        node.set("usage", usage);
        return bytes(node);
    }

    static ObjectNode usage(GenerationStats stats) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", stats.promptTokens());
        usage.put("completion_tokens", stats.generatedTokens());
        usage.put("total_tokens", stats.promptTokens() + stats.generatedTokens());
        return usage;
    }

    static byte[] finished(PromptRequest request, int attempt, Completion completion, String workerId) {
        ObjectNode node = completionBase(request.requestId(), request.sessionId(), "finished", attempt, workerId);
        node.put("text", completion.text());
        node.set("token_ids", ids(completion.tokenIds()));
        node.put("finish_reason", completion.finishReason().wireName());
        node.put("finish_detail", completion.finishReason().name().toLowerCase(Locale.ROOT));
        node.set("usage", usage(completion.stats()));
        node.putNull("error");
        return bytes(node);
    }

    static byte[] failed(
            String requestId, String sessionId, int attempt, String code, String message, String workerId) {
        ObjectNode node = completionBase(requestId, sessionId, "failed", attempt, workerId);
        node.put("text", "");
        node.set("token_ids", JSON.createArrayNode());
        node.put("finish_reason", "error");
        node.put("finish_detail", code.equals("internal_error") ? "internal_error" : "invalid_request");
        ObjectNode error = node.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return bytes(node);
    }

    static byte[] metrics(
            PromptRequest request, int attempt, Completion completion, double queueMillis, String workerId) {
        GenerationStats stats = completion.stats();
        ObjectNode node = JSON.createObjectNode();
        node.put("version", VERSION);
        node.put("request_id", request.requestId());
        node.put("attempt", attempt);
        node.put("worker_id", workerId);
        node.put("finish_reason", completion.finishReason().wireName());
        node.put("speculation", request.drafter() != io.specops.engine.DrafterMode.NONE);
        node.put("drafter", request.drafter().wireName());
        node.put("prompt_tokens", stats.promptTokens());
        node.put("generated_tokens", stats.generatedTokens());
        node.put("target_calls", stats.targetCalls());
        node.put("verify_steps", stats.verifySteps());
        node.put("drafted_tokens", stats.draftedTokens());
        node.put("accepted_tokens", stats.acceptedTokens());
        node.put("tie_replays", stats.tieReplays());
        node.set("accepted_tokens_per_position", ids(stats.acceptedTokensByPosition()));
        node.put("acceptance_rate", stats.acceptanceRate());
        node.put("mean_acceptance_length", stats.meanAcceptanceLength());
        node.put("queue_time_ms", queueMillis);
        node.put("time_to_first_token_ms", stats.timeToFirstTokenNanos() / 1e6);
        node.put("total_ms", stats.totalNanos() / 1e6);
        node.put("draft_ms", stats.draftNanos() / 1e6);
        node.put("tokens_per_second", stats.generatedTokens() * 1e9 / Math.max(1, stats.totalNanos()));
        return bytes(node);
    }

    private static ObjectNode completionBase(
            String requestId, String sessionId, String status, int attempt, String workerId) {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", VERSION);
        node.put("request_id", requestId);
        node.put("session_id", sessionId);
        node.put("status", status);
        node.put("attempt", attempt);
        node.put("worker_id", workerId);
        return node;
    }

    private static ArrayNode ids(int[] tokenIds) {
        ArrayNode array = JSON.createArrayNode();
        for (int id : tokenIds) {
            array.add(id);
        }
        return array;
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
