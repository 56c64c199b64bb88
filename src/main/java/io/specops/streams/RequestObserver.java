package io.specops.streams;

import io.specops.decoding.Completion;

/**
 * Hears what happens to each request, for metrics. Called on the stream thread; implementations
 * must be quick and must not throw.
 */
public interface RequestObserver {

    /** A valid prompt was taken on. */
    default void accepted() {}

    /** A prompt record was refused; {@code code} is the error code of its terminal record. */
    default void rejected(String code) {}

    /** A generation finished; {@code queueMillis} is how long the prompt waited before it started. */
    default void finished(PromptRequest request, Completion completion, double queueMillis) {}

    /** A generation failed with {@code code} ({@code invalid_request} or {@code internal_error}). */
    default void failed(String code) {}

    /** A task moved here and its stored in-flight requests will run again. */
    default void resumed(int requests) {}

    RequestObserver NONE = new RequestObserver() {};
}
