package io.specops.streams;

import io.specops.engine.DrafterMode;
import io.specops.engine.NgramSettings;
import java.time.Duration;

/**
 * How the worker's processors behave.
 *
 * @param workerId names this worker in metrics records and logs
 * @param chunkTokens a chunk is sent once it holds this many tokens
 * @param chunkInterval or once this long has passed since the request's previous chunk
 * @param punctuateInterval how often the stream thread forwards finished output
 * @param generationThreads decoding threads; a prompt starts only when one is free
 * @param maxWaitingPrompts prompts the worker takes on ahead of its decoding threads, over all its
 *     tasks; at this many it stops fetching prompts until some start
 * @param answeredRetention how long an answered prompt is remembered, so that a replay of its record
 *     (after a crash before the input offset was committed) is not answered again
 * @param ngramFlushInterval how long answered requests' n-gram deltas are collected before they are sent
 * @param defaultDrafter drafts for prompts that do not choose
 * @param ngrams the shared n-gram statistics' order and bounds
 */
public record WorkerSettings(
        String workerId,
        Topics topics,
        Limits limits,
        int chunkTokens,
        Duration chunkInterval,
        Duration punctuateInterval,
        int generationThreads,
        int maxWaitingPrompts,
        Duration answeredRetention,
        Duration ngramFlushInterval,
        DrafterMode defaultDrafter,
        NgramSettings ngrams) {}
