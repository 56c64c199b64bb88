package io.specops.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A prompt the worker has taken on and not yet answered, as kept in the changelogged in-flight
 * store. The prompt's original bytes are kept, so a new owner re-validates and re-runs it exactly.
 *
 * @param attempt 0 for the first run; each re-run by a new owner after a crash or rebalance adds 1
 * @param receivedAtMillis the prompt record's timestamp, the start of its queue time
 */
public record InFlightEntry(byte[] promptValue, int attempt, long receivedAtMillis) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public InFlightEntry {
        promptValue = promptValue.clone();
    }

    @Override
    public byte[] promptValue() {
        return promptValue.clone();
    }

    public InFlightEntry nextAttempt() {
        return new InFlightEntry(promptValue, attempt + 1, receivedAtMillis);
    }

    public byte[] toBytes() {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", 1);
        node.put("attempt", attempt);
        node.put("received_at_ms", receivedAtMillis);
        node.put("prompt", new String(promptValue, StandardCharsets.UTF_8));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static InFlightEntry fromBytes(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            return new InFlightEntry(
                    node.path("prompt").asText().getBytes(StandardCharsets.UTF_8),
                    node.path("attempt").asInt(),
                    node.path("received_at_ms").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt in-flight store entry", e);
        }
    }
}
