package io.specops.streams;

/**
 * What a prompt record may ask for.
 *
 * @param maxPromptTokens longest prompt, in tokens
 * @param maxTokens largest {@code max_tokens}
 * @param maxRecordBytes largest prompt record value
 */
public record Limits(int maxPromptTokens, int maxTokens, int maxRecordBytes) {}
