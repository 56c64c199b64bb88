package io.specops.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The Kafka worker's settings. Keys, defaults and meaning:
 *
 * <ul>
 *   <li>{@code kafka.*}: passed to Kafka Streams and its clients with the prefix removed, for
 *       example {@code kafka.bootstrap.servers} or {@code kafka.security.protocol}
 *   <li>{@code worker.application.id} (spec-ops): the Kafka Streams application, i.e. consumer group
 *   <li>{@code worker.id} (host name and process id): names the worker in metrics records and logs
 *   <li>{@code worker.state.dir} (state): Kafka Streams' state directory (the in-flight store)
 *   <li>{@code worker.generation.threads} (cores / intra-op threads): generations run at once
 *   <li>{@code worker.max.waiting.prompts} (4 x generation threads, at least 1): prompts taken on and
 *       not yet started, over all the worker's partitions. At this many the worker stops fetching
 *       prompts until some start, so a backlog stays on the topic, where the consumer lag shows it
 *       to the autoscalers and another worker can take it, instead of in this worker's heap and
 *       in-flight store. Four per thread keep a thread that frees up supplied while the next
 *       prompts are fetched (a fetch waits up to 10 ms, a generation takes longer). The bound is
 *       soft: prompts fetched before the worker stopped are still taken on, up to one poll
 *       ({@code max.poll.records}, 100) more
 *   <li>{@code worker.chunk.tokens} (16): a chunk is sent once it holds this many tokens
 *   <li>{@code worker.chunk.interval.ms} (50): or once this long has passed since the previous chunk
 *   <li>{@code worker.punctuate.ms} (2): how often finished output is forwarded
 *   <li>{@code worker.drain.timeout.ms} (30000): on shutdown, how long running generations may finish
 *   <li>{@code worker.answered.retention.ms} (600000): how long an answered prompt is remembered, so
 *       that its record, replayed after a crash before the input offset was committed, is not
 *       answered again
 *   <li>{@code worker.ngram.flush.ms} (200): how long the n-gram statistics learned from answered
 *       requests are collected, merged, before they are sent to the shared table
 *   <li>{@code limits.prompt.tokens} (the model's context - 1): longest prompt accepted
 *   <li>{@code limits.max.tokens} (2048): largest max_tokens accepted
 *   <li>{@code limits.record.bytes} (1048576): largest prompt record value accepted
 *   <li>{@code topics.prompts}, {@code topics.chunks}, {@code topics.completions}, {@code topics.metrics},
 *       {@code topics.prompts.dlq}: topic names (defaults in {@code topics/})
 *   <li>{@code metrics.port} (9404; 0 picks a free port, -1 disables): HTTP port of /metrics and /health
 *   <li>{@code metrics.lag.interval.ms} (5000): how often the worker asks the broker for the
 *       committed lag of the prompt partitions it owns (end offset less the group's committed
 *       offset), which it exports as {@code specops_prompts_committed_lag}; one admin request pair
 *       per interval, off the stream thread
 *   <li>{@code worker.allow.unverified.model} (false): run a model directory that has no SHA256SUMS
 *       manifest; the worker then serves but never reports ready, since ready means verified
 * </ul>
 */
public record WorkerConfig(
        Map<String, String> kafka,
        String applicationId,
        String workerId,
        Path stateDirectory,
        int generationThreads,
        int maxWaitingPrompts,
        int chunkTokens,
        Duration chunkInterval,
        Duration punctuateInterval,
        Duration drainTimeout,
        Duration answeredRetention,
        Duration ngramFlushInterval,
        int maxPromptTokens,
        int maxTokens,
        int maxRecordBytes,
        Map<String, String> topicNames,
        int metricsPort,
        Duration lagInterval,
        boolean allowUnverifiedModel) {

    public WorkerConfig {
        kafka = Map.copyOf(kafka);
        topicNames = Map.copyOf(topicNames);
    }

    /** {@code limits.prompt.tokens} when not set: the model decides. */
    public static final int PROMPT_TOKENS_FROM_MODEL = 0;

    static WorkerConfig read(ConfigReader reader, int intraOpThreads) {
        int cores = Runtime.getRuntime().availableProcessors();
        int generationThreads =
                reader.integer("worker.generation.threads", Math.max(1, cores / intraOpThreads), 1, 256);
        return new WorkerConfig(
                reader.withPrefix("kafka."),
                reader.string("worker.application.id", "spec-ops"),
                reader.string("worker.id", defaultWorkerId()),
                Path.of(reader.string("worker.state.dir", "state")),
                generationThreads,
                reader.integer("worker.max.waiting.prompts", 4 * generationThreads, 1, 1_000_000),
                reader.integer("worker.chunk.tokens", 16, 1, 4096),
                Duration.ofMillis(reader.integer("worker.chunk.interval.ms", 50, 1, 60_000)),
                Duration.ofMillis(reader.integer("worker.punctuate.ms", 2, 1, 10_000)),
                Duration.ofMillis(reader.integer("worker.drain.timeout.ms", 30_000, 0, 3_600_000)),
                Duration.ofMillis(reader.integer("worker.answered.retention.ms", 600_000, 1_000, Integer.MAX_VALUE)),
                Duration.ofMillis(reader.integer("worker.ngram.flush.ms", 200, 1, 60_000)),
                reader.integer("limits.prompt.tokens", PROMPT_TOKENS_FROM_MODEL, 0, 1 << 20),
                reader.integer("limits.max.tokens", 2048, 1, 1 << 20),
                reader.integer("limits.record.bytes", 1 << 20, 64, 64 << 20),
                reader.withPrefix("topics."),
                reader.integer("metrics.port", 9404, -1, 65535),
                Duration.ofMillis(reader.integer("metrics.lag.interval.ms", 5_000, 100, 3_600_000)),
                reader.bool("worker.allow.unverified.model", false));
    }

    private static String defaultWorkerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        return host + "-" + ProcessHandle.current().pid();
    }
}
