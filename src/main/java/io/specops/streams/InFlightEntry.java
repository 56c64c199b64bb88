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
 * @param attempt the run number: the consumer-group generation the running worker took the task in
 *     (0 where none is known), and above the stored run's number when re-run; so every run of a
 *     request has its own number, and a later run a higher one
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

    /** The first run of a prompt taken on in {@code generation}. */
    public static InFlightEntry firstRun(byte[] promptValue, int generation, long receivedAtMillis) {
        return new InFlightEntry(promptValue, Math.max(0, generation), receivedAtMillis);
    }

    /**
     * The next run, by an owner that took the task in {@code generation}. The stored number alone is not
     * enough: the earlier owner may have started a run whose store write was lost with it.
     */
    public InFlightEntry rerun(int generation) {
        return new InFlightEntry(promptValue, Math.max(attempt + 1, generation), receivedAtMillis);
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
