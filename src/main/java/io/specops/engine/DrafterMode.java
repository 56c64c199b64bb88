package io.specops.engine;

import java.util.Locale;

/** Which drafts a request is decoded with; the prompt record's {@code drafter} field names one. */
public enum DrafterMode {
    /** No drafts: one token per target call, the baseline. */
    NONE,
    /** Drafts copied from earlier in the request's own text. */
    PROMPT_LOOKUP,
    /** Drafts from the n-gram statistics shared by every worker and past request. */
    SHARED_NGRAMS,
    /** The shared statistics where they have a draft, prompt lookup where they do not. */
    COMBINED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DrafterMode fromWireName(String name) {
        for (DrafterMode mode : values()) {
            if (mode.wireName().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "drafter must be one of none, prompt_lookup, shared_ngrams, combined but was '" + name + "'");
    }
}
