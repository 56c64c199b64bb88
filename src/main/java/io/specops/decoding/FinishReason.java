package io.specops.decoding;

/** Why a generation ended. {@link #wireName()} is the OpenAI-style value written to records and JSON. */
public enum FinishReason {
    /** The target produced one of the model's end tokens. */
    END_TOKEN("stop"),
    /** The text reached one of the request's stop strings; the stop string itself is not part of the text. */
    STOP_STRING("stop"),
    /** The request's {@code max_tokens} were generated. */
    MAX_TOKENS("length"),
    /** The sequence filled the model's context window. */
    CONTEXT_FULL("length");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
