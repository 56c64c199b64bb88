package io.specops.decoding;

/** The prompt leaves no room in the model's context for a generated token. */
public final class PromptTooLongException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public PromptTooLongException(int promptTokens, int contextLength) {
        super("prompt is " + promptTokens + " tokens but the model's context holds " + contextLength
                + " tokens in all; shorten the prompt to at most " + (contextLength - 1) + " tokens");
    }
}
