package io.specops.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.decoding.SamplingParams;
import io.specops.engine.DrafterMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a prompt record's bytes into a {@link PromptRequest}, or into the reasons it cannot be one.
 * Every field is checked and every problem reported together; unknown fields are ignored.
 */
public final class PromptParser {

    public static final int VERSION = 1;
    static final int MAX_STOP_STRINGS = 8;
    static final double MAX_TEMPERATURE = 10.0;
    static final int MAX_ID_LENGTH = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Limits limits;
    private final Function<String, int[]> encoder;
    private final DrafterMode defaultDrafter;

    public PromptParser(Limits limits, Function<String, int[]> encoder, DrafterMode defaultDrafter) {
        this.limits = limits;
        this.encoder = encoder;
        this.defaultDrafter = defaultDrafter;
    }

    /** The outcome: a request, or an error with the request id when one could be read. */
    public sealed interface Result permits Accepted, Rejected {}

    public record Accepted(PromptRequest request) implements Result {}

    /**
     * @param requestId the record's request_id, or null when none could be read
     * @param code {@code record_too_large}, {@code not_utf8}, {@code malformed_json} or {@code invalid_request}
     */
    public record Rejected(String requestId, String code, String reason) implements Result {}

    public Result parse(byte[] value) {
        if (value == null) {
            return new Rejected(null, "malformed_json", "the record has no value");
        }
        if (value.length > limits.maxRecordBytes()) {
            return new Rejected(
                    null,
                    "record_too_large",
                    "record value is " + value.length + " bytes but limits.record.bytes is " + limits.maxRecordBytes());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Rejected(null, "not_utf8", "record value is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new Rejected(null, "malformed_json", "record value is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Rejected(null, "malformed_json", "record value must be a JSON object");
        }
        return validate(root);
    }

    private Result validate(JsonNode root) {
        List<String> problems = new ArrayList<>();
        String requestId = string(root, "request_id", problems, true);
        if (requestId != null && (requestId.isEmpty() || requestId.length() > MAX_ID_LENGTH)) {
            problems.add("request_id must have 1 to " + MAX_ID_LENGTH + " characters");
            requestId = requestId.isEmpty() ? null : requestId;
        }
        JsonNode version = root.get("version");
        if (version == null) {
            problems.add("version is required (" + VERSION + ")");
        } else if (!version.canConvertToInt() || version.asInt() != VERSION) {
            problems.add("version must be " + VERSION + " but was " + version);
        }
        String sessionId = string(root, "session_id", problems, false);
        String prompt = string(root, "prompt", problems, true);
        int maxTokens = integer(root, "max_tokens", 128, 1, limits.maxTokens(), problems);
        double temperature = decimal(root, "temperature", 0.0, problems);
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            problems.add("temperature must be in [0, " + MAX_TEMPERATURE + "] but was " + temperature);
        }
        double topP = decimal(root, "top_p", 1.0, problems);
        if (!(topP > 0 && topP <= 1)) {
            problems.add("top_p must be in (0, 1] but was " + topP);
        }
        int topK = integer(root, "top_k", 0, 0, Integer.MAX_VALUE, problems);
        long seed = longInteger(root, "seed", problems);
        List<String> stop = stopStrings(root.get("stop"), problems);
        boolean speculation = bool(root, "speculation", true, problems);
        DrafterMode drafter = defaultDrafter;
        String drafterName = string(root, "drafter", problems, false);
        if (drafterName != null) {
            try {
                drafter = DrafterMode.fromWireName(drafterName);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!speculation) {
            drafter = DrafterMode.NONE;
        }

        int[] promptIds = null;
        if (prompt != null && problems.isEmpty()) {
            promptIds = encoder.apply(prompt);
            if (promptIds.length > limits.maxPromptTokens()) {
                problems.add("prompt is " + promptIds.length + " tokens but limits.prompt.tokens is "
                        + limits.maxPromptTokens());
            }
        }
        if (!problems.isEmpty()) {
            return new Rejected(requestId, "invalid_request", String.join("; ", problems));
        }
        SamplingParams sampling = new SamplingParams(temperature, topP, topK, seed);
        return new Accepted(
                new PromptRequest(requestId, sessionId, prompt, promptIds, maxTokens, sampling, stop, drafter));
    }

    private static String string(JsonNode root, String field, List<String> problems, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(field + " is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.add(field + " must be a string but was " + describe(node));
            return null;
        }
        return node.asText();
    }

    private static int integer(JsonNode root, String field, int fallback, int min, int max, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            problems.add(field + " must be an integer but was " + describe(node));
            return fallback;
        }
        int value = node.asInt();
        if (value < min || value > max) {
            problems.add(field + " must be in [" + min + ", " + max + "] but was " + value);
        }
        return value;
    }

    private static long longInteger(JsonNode root, String field, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return 0L;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            problems.add(field + " must be an integer but was " + describe(node));
            return 0L;
        }
        return node.asLong();
    }

    private static double decimal(JsonNode root, String field, double fallback, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            problems.add(field + " must be a number but was " + describe(node));
            return fallback;
        }
        return node.asDouble();
    }

    private static boolean bool(JsonNode root, String field, boolean fallback, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            problems.add(field + " must be true or false but was " + describe(node));
            return fallback;
        }
        return node.asBoolean();
    }

    private static List<String> stopStrings(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return node.asText().isEmpty() ? List.of() : List.of(node.asText());
        }
        if (!node.isArray()) {
            problems.add("stop must be a string or an array of strings but was " + describe(node));
            return List.of();
        }
        if (node.size() > MAX_STOP_STRINGS) {
            problems.add("stop may hold at most " + MAX_STOP_STRINGS + " strings but had " + node.size());
        }
        List<String> stop = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isEmpty()) {
                problems.add("stop must hold non-empty strings but had " + describe(item));
            } else {
                stop.add(item.asText());
            }
        }
        return stop;
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
