package io.specops.reliability;

import java.nio.charset.StandardCharsets;

/**
 * The kinds of bad prompt record the worker must answer without stopping (DESIGN.md, promise 4).
 * Each makes a record value for a given request id; {@link #answerable()} says whether the worker
 * can read that id back out of the record, and so owes a failed completion besides the dead letter.
 */
public enum BadInput {
    MALFORMED_JSON("malformed_json", false),
    NOT_UTF8("not_utf8", false),
    NOT_AN_OBJECT("malformed_json", false),
    MISSING_PROMPT("invalid_request", true),
    MISTYPED_MAX_TOKENS("invalid_request", true),
    OUT_OF_RANGE("invalid_request", true),
    WRONG_VERSION("invalid_request", true),
    PROMPT_TOO_LONG("invalid_request", true),
    RECORD_TOO_LARGE("record_too_large", false);

    /** What {@link #PROMPT_TOO_LONG} needs the worker's {@code limits.prompt.tokens} to be at most. */
    public static final int PROMPT_TOKENS_LIMIT = 64;
    /** What {@link #RECORD_TOO_LARGE} needs the worker's {@code limits.record.bytes} to be at most. */
    public static final int RECORD_BYTES_LIMIT = 8192;

    private final String errorCode;
    private final boolean answerable;

    BadInput(String errorCode, boolean answerable) {
        this.errorCode = errorCode;
        this.answerable = answerable;
    }

    /** The code in the dead letter's {@code specops.error.code} header and the failed completion. */
    public String errorCode() {
        return errorCode;
    }

    /** Whether the record carries a readable request id, so that a failed completion is owed. */
    public boolean answerable() {
        return answerable;
    }

    public byte[] value(String requestId) {
        String id = "\"request_id\":\"" + requestId + "\"";
        return switch (this) {
            case MALFORMED_JSON -> utf8("{\"version\":1," + id + ",\"prompt\":\"Once upon");
            case NOT_UTF8 -> notUtf8(id);
            case NOT_AN_OBJECT -> utf8("[1," + "\"" + requestId + "\"]");
            case MISSING_PROMPT -> utf8("{\"version\":1," + id + ",\"max_tokens\":16}");
            case MISTYPED_MAX_TOKENS -> utf8("{\"version\":1," + id + ",\"prompt\":\"Tim\",\"max_tokens\":\"ten\"}");
            case OUT_OF_RANGE ->
                utf8("{\"version\":1," + id + ",\"prompt\":\"Tim\",\"max_tokens\":0,\"temperature\":99,\"top_p\":0}");
            case WRONG_VERSION -> utf8("{\"version\":7," + id + ",\"prompt\":\"Tim\"}");
            case PROMPT_TOO_LONG ->
                utf8("{\"version\":1," + id + ",\"prompt\":\""
                        + "Lily and Tim went to the park. ".repeat(PROMPT_TOKENS_LIMIT) + "\"}");
            case RECORD_TOO_LARGE ->
                utf8("{\"version\":1," + id + ",\"prompt\":\"" + "x".repeat(RECORD_BYTES_LIMIT) + "\"}");
        };
    }

    private static byte[] notUtf8(String id) {
        byte[] head = utf8("{\"version\":1," + id + ",\"prompt\":\"");
        byte[] value = new byte[head.length + 3];
        System.arraycopy(head, 0, value, 0, head.length);
        // 0xC3 opens a two-byte sequence that 0x28 does not continue; 0xFF is never valid UTF-8.
        value[head.length] = (byte) 0xC3;
        value[head.length + 1] = (byte) 0x28;
        value[head.length + 2] = (byte) 0xFF;
        return value;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
