package io.specops.streams;

import io.specops.decoding.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One prompt being generated on a decoding thread while the stream thread forwards its output.
 * The decoding thread appends steps and finally sets the outcome; the stream thread drains them
 * from a punctuator. Thread-safe.
 */
final class RunningGeneration {

    /** What one decode step accepted. */
    record Step(String text, int[] tokenIds) {}

    final PromptRequest request;
    final InFlightEntry entry;

    private final ConcurrentLinkedQueue<Step> steps = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Completion completion;
    private volatile Throwable failure;
    private volatile long startedAtMillis;
    private final long acceptedNanos = System.nanoTime();
    private volatile long startedNanos;
    private volatile long firstStepNanos;

    // Stream-thread state: what has been forwarded so far.
    int nextSeq;
    int textOffset;
    int tokenOffset;
    long lastChunkNanos = System.nanoTime();
    final StringBuilder pendingText = new StringBuilder();
    final List<int[]> pendingTokens = new ArrayList<>();
    int pendingTokenCount;

    RunningGeneration(PromptRequest request, InFlightEntry entry) {
        this.request = request;
        this.entry = entry;
    }

    void started() {
        startedAtMillis = System.currentTimeMillis();
        startedNanos = System.nanoTime();
    }

    long startedAtMillis() {
        return startedAtMillis;
    }

    void append(String text, int[] tokenIds) {
        if (cancelled.get()) {
            throw new GenerationCancelledException();
        }
        if (firstStepNanos == 0) {
            firstStepNanos = System.nanoTime();
        }
        steps.add(new Step(text, tokenIds));
    }

    /** Where the time to the first chunk went, for a DEBUG line: accepted → started → first step → now. */
    String firstChunkTimings() {
        long now = System.nanoTime();
        return String.format(
                "queued %.1f ms, first step after %.1f ms, forwarded %.1f ms later",
                (startedNanos - acceptedNanos) / 1e6,
                (firstStepNanos - startedNanos) / 1e6,
                (now - firstStepNanos) / 1e6);
    }

    void finish(Completion result) {
        completion = result;
    }

    void fail(Throwable error) {
        failure = error;
    }

    void cancel() {
        cancelled.set(true);
    }

    boolean cancelled() {
        return cancelled.get();
    }

    /** Moves the steps accepted so far into the pending chunk; returns true once the outcome is known. */
    boolean drain() {
        boolean done = completion != null || failure != null; // read before draining: no step can follow
        Step step;
        while ((step = steps.poll()) != null) {
            pendingText.append(step.text());
            pendingTokens.add(step.tokenIds());
            pendingTokenCount += step.tokenIds().length;
        }
        return done;
    }

    Completion completion() {
        return completion;
    }

    Throwable failure() {
        return failure;
    }

    /** Thrown into the decode loop to stop a generation whose task moved to another worker. */
    static final class GenerationCancelledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GenerationCancelledException() {
            super("generation cancelled", null, false, false);
        }
    }
}
