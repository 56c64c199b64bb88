package io.specops.streams;

import java.time.Duration;

/**
 * How the worker's processor behaves.
 *
 * @param workerId names this worker in metrics records and logs
 * @param chunkTokens a chunk is sent once it holds this many tokens
 * @param chunkInterval or once this long has passed since the request's previous chunk
 * @param punctuateInterval how often the stream thread forwards finished output
 */
public record WorkerSettings(
        String workerId,
        Topics topics,
        Limits limits,
        int chunkTokens,
        Duration chunkInterval,
        Duration punctuateInterval) {}
