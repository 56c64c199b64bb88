package io.specops.streams;

import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.ngram.NgramCounts;
import io.specops.ngram.NgramDelta;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes prompt records in and sends chunks, completions and metrics out, without ever blocking the
 * stream thread on a generation.
 *
 * <p>A valid prompt is written to the changelogged in-flight store, then handed to a decoding
 * thread. A wall-clock punctuator on the stream thread forwards what the decoding threads produced
 * (chunks as they fill, then the terminal completion and the metrics record) and deletes the
 * in-flight entry only after the terminal record is forwarded. The input offset is committed as
 * soon as the entry is in the store, so the generation's progress is owned by the store: when the
 * task moves to another worker (a crash, a rebalance, a shutdown), the new owner finds the entry
 * in its restored store and runs it again. Generation is deterministic, so the re-run produces the
 * same tokens; chunks carry {@code text_offset} so consumers keep each character once.
 *
 * <p>Every run of a request has its own {@code attempt}, higher than any earlier run's: the
 * consumer-group generation in which this worker took the task, or the stored run's number plus
 * one if that is higher (see {@link InFlightEntry#rerun}). A crash can lose the last store writes,
 * but not the generation, which the broker raised when the task moved. So a consumer that keeps
 * the chunks of the highest attempt, in {@code seq} order, never mixes two runs.
 *
 * <p>An answered prompt is remembered in a second store for {@code answeredRetention}, so that its
 * record, replayed because the worker crashed before committing the input offset, is not answered
 * again. Under at-least-once processing a prompt answered just before a crash whose store writes
 * were lost is still answered twice, with the same content and a higher attempt; consumers keep one
 * terminal record per {@code request_id} (the completions topic is compacted on it).
 *
 * <p>A prompt starts when a decoding thread is free; prompts of one session run one after another,
 * in arrival order.
 *
 * <p>The worker takes on only so many prompts ahead of its decoding threads: while the prompts
 * waiting in all its tasks number {@code maxWaitingPrompts} or more, each task holds back its prompt
 * partition on the stream thread's main consumer (see {@link PartitionHold}), and releases it once
 * fewer wait. The rest of a burst stays on the topic, where the consumer lag shows it and another
 * worker can take it. Records fetched before the hold began are still taken on, so the bound is soft:
 * the rest of the poll that reached it ({@code max.poll.records} at most), plus whatever Kafka Streams
 * had buffered. A task that had no record in that poll holds back at its next record or punctuation,
 * so in the worst case one more poll's records of such partitions get in first.
 */
final class PromptProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(PromptProcessor.class);

    private final WorkerSettings settings;
    private final PromptParser parser;
    private final Generator generator;
    private final ExecutorService decodingThreads;
    private final WorkerCounters counters;
    private final RequestObserver observer;
    private final BooleanSupplier draining;
    private final IntSupplier groupGeneration;
    private final Supplier<PartitionHold> partitionHolds;

    /** Accepted, not started, in arrival order. */
    private final Deque<RunningGeneration> waiting = new ArrayDeque<>();
    /** Started and not yet answered, by request id. */
    private final Map<String, RunningGeneration> running = new LinkedHashMap<>();

    private final Set<String> busyOrderingKeys = new HashSet<>();

    /** Shared n-gram statistics learned from answered requests and not yet sent, by context. */
    private final Map<NgramDelta.ByteKey, NgramCounts> pendingDeltas = new HashMap<>();

    private static final int MAX_PENDING_CONTEXTS = 50_000;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> inFlight;
    private KeyValueStore<String, Long> answered;
    private int taskGeneration;
    private PartitionHold partitionHold = PartitionHold.NONE;
    private TopicPartition promptPartition;
    /** Whether this task's prompt partition is held back now. */
    private boolean heldBack;

    PromptProcessor(
            WorkerSettings settings,
            PromptParser parser,
            Generator generator,
            ExecutorService decodingThreads,
            WorkerCounters counters,
            RequestObserver observer,
            BooleanSupplier draining,
            IntSupplier groupGeneration,
            Supplier<PartitionHold> partitionHolds) {
        this.settings = settings;
        this.parser = parser;
        this.generator = generator;
        this.decodingThreads = decodingThreads;
        this.counters = counters;
        this.observer = observer;
        this.draining = draining;
        this.groupGeneration = groupGeneration;
        this.partitionHolds = partitionHolds;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.inFlight = context.getStateStore(WorkerTopology.IN_FLIGHT_STORE);
        this.answered = context.getStateStore(WorkerTopology.ANSWERED_STORE);
        this.taskGeneration = groupGeneration.getAsInt();
        // Init runs on the stream thread that owns the task, so this is that thread's consumer.
        this.partitionHold = partitionHolds.get();
        // The prompts source is the only input of this task's sub-topology: one partition, the task's.
        this.promptPartition =
                new TopicPartition(settings.topics().prompts(), context.taskId().partition());
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
        context.schedule(settings.ngramFlushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> forwardNgramDeltas());
        Duration pruneEvery = settings.answeredRetention().dividedBy(10);
        context.schedule(
                pruneEvery.isZero() ? Duration.ofMillis(1) : pruneEvery,
                PunctuationType.WALL_CLOCK_TIME,
                this::forgetAnsweredBefore);
        resumeStoredWork();
    }

    /** Entries in a freshly assigned task's store were taken on by an earlier owner: run them again. */
    private void resumeStoredWork() {
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = inFlight.all()) {
            all.forEachRemaining(entries::add);
        }
        for (KeyValue<String, byte[]> stored : entries) {
            InFlightEntry entry = InFlightEntry.fromBytes(stored.value).rerun(taskGeneration);
            if (parser.parse(entry.promptValue()) instanceof PromptParser.Accepted accepted) {
                inFlight.put(stored.key, entry.toBytes());
                enqueue(new RunningGeneration(accepted.request(), entry));
                counters.resumed.incrementAndGet();
            } else {
                log.warn("Dropping in-flight entry {} that no longer validates", stored.key);
                inFlight.delete(stored.key);
            }
        }
        if (!entries.isEmpty()) {
            log.info(
                    "Resuming {} in-flight requests of task {} in generation {}",
                    entries.size(),
                    context.taskId(),
                    taskGeneration);
            observer.resumed(entries.size());
        }
        startWaiting();
        holdBackOrRelease();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        PromptParser.Result result = parser.parse(record.value());
        if (result instanceof PromptParser.Rejected rejected) {
            reject(record, rejected);
            return;
        }
        PromptRequest request = ((PromptParser.Accepted) result).request();
        if (inFlight.get(request.requestId()) != null) {
            log.debug("Prompt {} is already in flight; ignoring the repeated record", request.requestId());
            return;
        }
        if (answered.get(request.requestId()) != null) {
            log.debug("Prompt {} was answered already; ignoring the repeated record", request.requestId());
            return;
        }
        InFlightEntry entry = InFlightEntry.firstRun(record.value(), taskGeneration, record.timestamp());
        inFlight.put(request.requestId(), entry.toBytes());
        counters.accepted.incrementAndGet();
        observer.accepted();
        if (log.isDebugEnabled()) {
            log.debug(
                    "Accepted {} {} ms after it was produced",
                    request.requestId(),
                    System.currentTimeMillis() - record.timestamp());
        }
        enqueue(new RunningGeneration(request, entry));
        startWaiting();
        // Checked here as well as in the punctuator: the next poll may come before the next punctuation.
        holdBackOrRelease();
    }

    private void enqueue(RunningGeneration generation) {
        waiting.add(generation);
        counters.waiting.incrementAndGet();
    }

    /**
     * Holds back this task's prompt partition while the worker has {@code maxWaitingPrompts} or more
     * prompts waiting, and releases it once fewer wait. The count is the worker's, not the task's, so
     * that the bound holds whatever number of partitions the worker owns.
     */
    private void holdBackOrRelease() {
        long waitingPrompts = counters.waiting.get();
        boolean enough = waitingPrompts >= settings.maxWaitingPrompts();
        if (enough && !heldBack) {
            partitionHold.holdBack(promptPartition);
            heldBack = true;
            counters.heldBackPartitions.incrementAndGet();
            log.debug("Holding back {}: {} prompts wait", promptPartition, waitingPrompts);
        } else if (!enough && heldBack) {
            partitionHold.release(promptPartition);
            heldBack = false;
            counters.heldBackPartitions.decrementAndGet();
            log.debug("Released {}: {} prompts wait", promptPartition, waitingPrompts);
        }
    }

    private void reject(Record<byte[], byte[]> record, PromptParser.Rejected rejected) {
        counters.rejected.incrementAndGet();
        observer.rejected(rejected.code());
        String coordinates = context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("unknown");
        log.warn(
                "Rejected prompt record {} (request_id {}): {} ({})",
                coordinates,
                rejected.requestId(),
                rejected.reason(),
                rejected.code());
        if (rejected.requestId() != null) {
            byte[] failed = OutputRecords.failed(
                    rejected.requestId(), null, 0, rejected.code(), rejected.reason(), settings.workerId());
            forward(WorkerTopology.COMPLETIONS_SINK, rejected.requestId(), failed);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add("specops.error.code", utf8(rejected.code()));
        headers.add("specops.error.reason", utf8(rejected.reason()));
        context.recordMetadata().ifPresent(metadata -> addSource(headers, metadata));
        context.forward(
                new Record<>(record.key(), record.value(), System.currentTimeMillis(), headers),
                WorkerTopology.DLQ_SINK);
    }

    private static void addSource(RecordHeaders headers, RecordMetadata metadata) {
        headers.add("specops.source.topic", utf8(metadata.topic()));
        headers.add("specops.source.partition", utf8(Integer.toString(metadata.partition())));
        headers.add("specops.source.offset", utf8(Long.toString(metadata.offset())));
    }

    /**
     * Starts waiting prompts whose session is idle while decoding threads are free, unless the worker
     * is handing its work back. Prompts wait here rather than in the thread pool's queue, so that
     * {@code counters.running} counts only generations that run and a drain waits for nothing else.
     */
    private void startWaiting() {
        if (draining.getAsBoolean()) {
            return;
        }
        for (Iterator<RunningGeneration> it = waiting.iterator(); it.hasNext(); ) {
            RunningGeneration generation = it.next();
            if (busyOrderingKeys.contains(generation.request.orderingKey())) {
                continue;
            }
            if (!counters.tryStart(settings.generationThreads())) {
                return;
            }
            busyOrderingKeys.add(generation.request.orderingKey());
            it.remove();
            counters.waiting.decrementAndGet();
            running.put(generation.request.requestId(), generation);
            try {
                decodingThreads.execute(() -> decode(generation));
            } catch (RejectedExecutionException e) {
                counters.running.decrementAndGet();
                // The worker is shutting down; the entry stays in the store for the next owner.
                running.remove(generation.request.requestId());
                busyOrderingKeys.remove(generation.request.orderingKey());
                return;
            }
        }
    }

    /** Runs on a decoding thread. */
    private void decode(RunningGeneration generation) {
        PromptRequest request = generation.request;
        MDC.put("request_id", request.requestId());
        try {
            generation.started();
            GenerationRequest engineRequest =
                    new GenerationRequest(request.promptIds(), request.maxTokens(), request.sampling(), request.stop());
            Completion completion = generator.generate(engineRequest, request.drafter(), generation::append);
            generation.finish(completion);
        } catch (RuntimeException e) {
            generation.fail(e);
        } finally {
            counters.running.decrementAndGet();
            MDC.remove("request_id");
        }
    }

    /** On the stream thread: forward what the decoding threads produced. */
    private void punctuate() {
        long now = System.nanoTime();
        for (Iterator<RunningGeneration> it = running.values().iterator(); it.hasNext(); ) {
            RunningGeneration generation = it.next();
            boolean done = generation.drain();
            if (done) {
                answer(generation);
                it.remove();
                busyOrderingKeys.remove(generation.request.orderingKey());
            } else if (chunkDue(generation, now)) {
                forwardChunk(generation, null, null);
            }
        }
        startWaiting();
        holdBackOrRelease();
    }

    /**
     * A chunk goes out once it holds {@code chunkTokens} tokens or {@code chunkInterval} has passed
     * since the previous one; the first goes out at once, so the time to first chunk is the engine's
     * time to first token plus one punctuation.
     */
    private boolean chunkDue(RunningGeneration generation, long nowNanos) {
        if (generation.pendingTokenCount == 0) {
            return false;
        }
        return generation.nextSeq == 0
                || generation.pendingTokenCount >= settings.chunkTokens()
                || nowNanos - generation.lastChunkNanos
                        >= settings.chunkInterval().toNanos();
    }

    /** The terminal records: last chunk, completion, metrics; then the in-flight entry goes. */
    private void answer(RunningGeneration generation) {
        PromptRequest request = generation.request;
        int attempt = generation.entry.attempt();
        Completion completion = generation.completion();
        if (completion != null) {
            forwardChunk(generation, completion.finishReason().wireName(), OutputRecords.usage(completion.stats()));
            forward(
                    WorkerTopology.COMPLETIONS_SINK,
                    request.requestId(),
                    OutputRecords.finished(request, attempt, completion, settings.workerId()));
            double queueMillis = Math.max(0, generation.startedAtMillis() - generation.entry.receivedAtMillis());
            forward(
                    WorkerTopology.METRICS_SINK,
                    request.requestId(),
                    OutputRecords.metrics(request, attempt, completion, queueMillis, settings.workerId()));
            collectNgramDelta(request, completion);
            counters.finished.incrementAndGet();
            observer.finished(request, completion, queueMillis);
            log.debug(
                    "Finished {} ({} tokens)",
                    request.requestId(),
                    completion.stats().generatedTokens());
        } else {
            Throwable failure = generation.failure();
            String code = failure instanceof IllegalArgumentException ? "invalid_request" : "internal_error";
            log.warn("Generation of {} failed: {}", request.requestId(), failure.toString());
            forwardChunk(generation, "error", null);
            forward(
                    WorkerTopology.COMPLETIONS_SINK,
                    request.requestId(),
                    OutputRecords.failed(
                            request.requestId(),
                            request.sessionId(),
                            attempt,
                            code,
                            String.valueOf(failure.getMessage()),
                            settings.workerId()));
            counters.failed.incrementAndGet();
            observer.failed(code);
        }
        answered.put(request.requestId(), System.currentTimeMillis());
        inFlight.delete(request.requestId());
    }

    /** Forgets answered prompts older than the retention: their records were committed long ago. */
    private void forgetAnsweredBefore(long nowMillis) {
        long cutoff = nowMillis - settings.answeredRetention().toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = answered.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value < cutoff) {
                    expired.add(entry.key);
                }
            });
        }
        expired.forEach(answered::delete);
    }

    /** Adds what this request teaches the shared n-gram statistics (every context of prompt plus output, of each length). */
    private void collectNgramDelta(PromptRequest request, Completion completion) {
        int[] prompt = request.promptIds();
        int[] output = completion.tokenIds();
        int[] sequence = Arrays.copyOf(prompt, prompt.length + output.length);
        System.arraycopy(output, 0, sequence, prompt.length, output.length);
        int capacity = settings.ngrams().maxContinuations();
        NgramDelta.of(sequence, sequence.length, settings.ngrams().orders(), capacity)
                .forEach((key, counts) -> pendingDeltas.merge(key, counts, (a, b) -> a.merge(b, capacity)));
        if (pendingDeltas.size() >= MAX_PENDING_CONTEXTS) {
            forwardNgramDeltas();
        }
    }

    /**
     * Sends the collected deltas, one record per context. Collecting them for a while costs the
     * table nothing (merging is associative) and keeps the aggregation's work off the moment a
     * request is answered, when the next prompt is likely arriving; the deltas of at most one
     * interval are lost if the worker crashes or the task moves, which only means the table learns
     * a little less.
     */
    private void forwardNgramDeltas() {
        long now = System.currentTimeMillis();
        pendingDeltas.forEach((key, counts) ->
                context.forward(new Record<>(key.bytes(), counts.toBytes(), now), WorkerTopology.NGRAM_DELTAS_SINK));
        pendingDeltas.clear();
    }

    private void forwardChunk(
            RunningGeneration generation, String finishReason, com.fasterxml.jackson.databind.node.ObjectNode usage) {
        if (generation.nextSeq == 0 && log.isDebugEnabled()) {
            log.debug("First chunk of {}: {}", generation.request.requestId(), generation.firstChunkTimings());
        }
        int[] tokens =
                generation.pendingTokens.stream().flatMapToInt(Arrays::stream).toArray();
        String delta = generation.pendingText.toString();
        byte[] chunk = OutputRecords.chunk(
                generation.request.requestId(),
                generation.entry.attempt(),
                generation.nextSeq++,
                generation.textOffset,
                generation.tokenOffset,
                delta,
                tokens,
                finishReason,
                usage);
        forward(WorkerTopology.CHUNKS_SINK, generation.request.requestId(), chunk);
        generation.textOffset += delta.length();
        generation.tokenOffset += tokens.length;
        generation.pendingText.setLength(0);
        generation.pendingTokens.clear();
        generation.pendingTokenCount = 0;
        generation.lastChunkNanos = System.nanoTime();
    }

    private void forward(String sink, String requestId, byte[] value) {
        context.forward(new Record<>(utf8(requestId), value, System.currentTimeMillis()), sink);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The task is leaving this worker: stop its generations; the next owner re-runs them from the store. */
    @Override
    public void close() {
        for (RunningGeneration generation : running.values()) {
            generation.cancel();
        }
        running.clear();
        counters.waiting.addAndGet(-waiting.size());
        waiting.clear();
        busyOrderingKeys.clear();
        if (heldBack) {
            // Not resumed: the task is closing, and the task that takes the partition next, on this worker or
            // another, resumes it once its stores are restored.
            partitionHold.forget(promptPartition);
            heldBack = false;
            counters.heldBackPartitions.decrementAndGet();
        }
    }
}
