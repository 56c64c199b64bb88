package io.specops.streams;

import io.specops.config.WorkerConfig;
import io.specops.engine.Engine;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: Kafka Streams running the {@link WorkerTopology}, plus the decoding threads.
 * Start it, then {@link #close()} it (the {@code worker} command does so on SIGTERM): close stops
 * starting new generations, lets running ones finish for up to the drain timeout, then leaves the
 * consumer group so the partitions move at once; work still in the in-flight store is re-run by
 * the next owner.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final WorkerSettings settings;
    private final ExecutorService decodingThreads;
    private final WorkerCounters counters = new WorkerCounters();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final KafkaStreams streams;
    private final PromptCommittedLag committedLag;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> stoppedOnError = new CompletableFuture<>();

    public Worker(WorkerConfig config, Engine engine) {
        this(config, engine, RequestObserver.NONE, streams -> {});
    }

    /**
     * @param observer hears every request's outcome (the metrics binder)
     * @param onCreated receives the Kafka Streams instance before it starts, to bind its metrics
     */
    public Worker(WorkerConfig config, Engine engine, RequestObserver observer, Consumer<KafkaStreams> onCreated) {
        this.config = config;
        int promptTokens = config.maxPromptTokens() == WorkerConfig.PROMPT_TOKENS_FROM_MODEL
                ? engine.model().target().contextLength() - 1
                : config.maxPromptTokens();
        Topics topics = Topics.renamed(config.topicNames());
        this.settings = new WorkerSettings(
                config.workerId(),
                topics,
                new Limits(promptTokens, config.maxTokens(), config.maxRecordBytes()),
                config.chunkTokens(),
                config.chunkInterval(),
                config.punctuateInterval(),
                config.generationThreads(),
                config.maxWaitingPrompts(),
                config.answeredRetention(),
                config.ngramFlushInterval(),
                engine.defaultMode(),
                engine.ngramSettings());
        this.decodingThreads = Executors.newFixedThreadPool(config.generationThreads(), decodingThreadFactory());
        Properties properties = streamsProperties(config);
        log.info("Starting worker {} with {}", config.workerId(), redacted(properties));
        GroupGenerations clients = new GroupGenerations();
        this.streams = new KafkaStreams(
                WorkerTopology.build(
                        settings,
                        Generator.of(engine),
                        engine::encode,
                        decodingThreads,
                        counters,
                        observer,
                        engine.ngrams(),
                        draining::get,
                        clients::currentGeneration,
                        clients::currentPartitionHold),
                properties,
                clients);
        streams.setGlobalStateRestoreListener(new StoreRestoreLog());
        this.committedLag =
                new PromptCommittedLag(properties, topics.prompts(), config.lagInterval(), this::ownedTopicPartitions);
        onCreated.accept(streams);
        streams.setStateListener((next, previous) -> {
            log.info("Kafka Streams {} -> {}", previous, next);
            if (next == KafkaStreams.State.ERROR) {
                stoppedOnError.complete(null);
            }
        });
        // One bad record never reaches here (the processor answers it); anything that does is a bug or an
        // outage, and a fresh stream thread resumes from the committed offsets and the in-flight store.
        // Refused credentials or ACLs are not fixed by a new thread: stop instead of replacing it in a loop
        // (Kafka Streams goes to ERROR, which completes stoppedOnError and makes the worker command exit 1).
        streams.setUncaughtExceptionHandler(error -> {
            Optional<Throwable> refusal = brokerRefusal(error);
            if (refusal.isPresent()) {
                log.error(
                        "The broker refused this worker's credentials or ACLs; stopping: {} ({})",
                        refusal.get().toString(),
                        error.toString());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            log.error("Stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /**
     * Kafka Streams settings for a worker whose records are cheap to route and slow to answer.
     *
     * <ul>
     *   <li>The stream thread never waits for a generation (punctuators forward output), so the
     *       default {@code max.poll.interval.ms} of 5 minutes holds even for very long generations;
     *       it is kept at that value explicitly so that a client override is visible.
     *   <li>{@code poll.ms} 1: punctuators run between polls, so a chunk waits for the end of a poll
     *       before it is forwarded; an idle stream thread loops up to a thousand times a second for it.
     *   <li>{@code fetch.max.wait.ms} 10: on a single-node broker a waiting fetch was seen to return
     *       only when this timeout ran out ({@code bench --kafka} prints the plain round trip at 500 and
     *       at 10); a prompt now waits at most this long at the door, for about 100 idle fetches per
     *       second per worker.
     *   <li>{@code global.consumer.fetch.max.wait.ms} 100: the global consumer only feeds the shared
     *       n-gram table, which may lag a tenth of a second without harm (a request's statistics
     *       already wait {@code worker.ngram.flush.ms} before they are sent). With one idle worker on
     *       an embedded broker, the broker took 20% of a core at 10 ms, 7-9% at 100 and 6-7% at 500
     *       ({@code scripts/idle-fetch-cpu.sh}); but restoring the global store waits out one fetch
     *       per partition, so at 500 the six partitions of {@code bench --ngrams} took 3.9 s to
     *       restore instead of 1.7 (its restore lines, with {@code --set
     *       kafka.global.consumer.fetch.max.wait.ms=500}).
     *   <li>{@code session.timeout.ms} 10000 (Kafka's default is 45000): a crashed worker's partitions,
     *       and the prompts in flight on them, move to another worker after about ten seconds
     *       instead of 45; heartbeats come from the consumer's own thread, so long generations do not
     *       endanger the session.
     *   <li>{@code commit.interval.ms} 1000: an accepted prompt is owned by the in-flight store once
     *       committed; a short interval bounds how much input is replayed after a crash.
     *   <li>{@code linger.ms} 0 (Kafka's default is 5): a chunk is sent at once instead of waiting 5 ms
     *       for company. Under load records still travel in batches, since they gather while the
     *       previous request to the broker is in flight.
     *   <li>{@code max.poll.records} 100: accepting a prompt is cheap, but a smaller batch keeps
     *       punctuation regular.
     *   <li>Processing is at-least-once: generations last longer than a transaction should stay open,
     *       and consumers de-duplicate by {@code request_id} and {@code text_offset}.
     * </ul>
     */
    static Properties streamsProperties(WorkerConfig config) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092"); // kafka.bootstrap.servers overrides
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        properties.put(StreamsConfig.CLIENT_ID_CONFIG, config.workerId());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDirectory().toString());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.POLL_MS_CONFIG, 1);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 100);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 300_000);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        properties.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        // Kafka 5 turns this on by default; turning it on now keeps behaviour the same across the upgrade.
        properties.put("processing.exception.handler.global.enabled", true);
        properties.putAll(config.kafka());
        Object guarantee = properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (!StreamsConfig.AT_LEAST_ONCE.equals(guarantee)) {
            throw new IllegalArgumentException("kafka.processing.guarantee must be at_least_once but was " + guarantee
                    + ": a transaction would have to stay open for a whole generation, so chunks would stay"
                    + " invisible to read_committed consumers until the end");
        }
        return properties;
    }

    /** The authentication or authorization error among {@code error}'s causes, if the broker refused the worker. */
    static Optional<Throwable> brokerRefusal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                return Optional.of(cause);
            }
        }
        return Optional.empty();
    }

    static Map<String, Object> redacted(Properties properties) {
        Map<String, Object> view = new TreeMap<>();
        properties.forEach((key, value) -> {
            String name = key.toString().toLowerCase(Locale.ROOT);
            // ssl.keystore.key and ssl.truststore.certificates hold PEM material itself, not a path to it.
            boolean secret = name.contains("password")
                    || name.contains("secret")
                    || name.contains("jaas")
                    || name.endsWith(".key")
                    || name.endsWith("certificates")
                    || name.endsWith("certificate.chain");
            view.put(key.toString(), secret ? "[redacted]" : value);
        });
        return view;
    }

    public Worker start() {
        streams.start();
        committedLag.start();
        return this;
    }

    /** Waits until the worker is RUNNING, or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException(
                        "worker did not reach RUNNING within " + timeout + "; it is " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Completes when Kafka Streams stops on an error (state ERROR), as it does when the broker refuses
     * this worker's credentials or ACLs: no stream thread is left and none will be started, so the
     * process has nothing left to do but exit.
     */
    public CompletionStage<Void> stoppedOnError() {
        return stoppedOnError.copy();
    }

    public WorkerCounters counters() {
        return counters;
    }

    public WorkerSettings settings() {
        return settings;
    }

    /** Prompt partitions this worker owns now (its tasks of the prompts sub-topology). */
    public int activeTasks() {
        return (int) streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .filter(task -> task.topicPartitions().stream()
                        .anyMatch(partition ->
                                partition.topic().equals(settings.topics().prompts())))
                .count();
    }

    /**
     * Committed lag (log end offset less the group's committed offset) of each prompt partition this
     * worker owned at the last read, by partition number; read every {@code metrics.lag.interval.ms}
     * and empty until the first read after the worker owns partitions.
     */
    public Map<Integer, Long> committedLag() {
        return committedLag.lagByPartition();
    }

    /** The topic partitions of this worker's active tasks; {@code metadataForLocalThreads} is thread-safe. */
    private Set<TopicPartition> ownedTopicPartitions() {
        return streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .collect(Collectors.toSet());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        draining.set(true);
        // After an error no stream thread is left to forward what running generations produce: waiting for
        // them would only delay the exit, and the next owner re-runs them from the in-flight store.
        if (stoppedOnError.isDone()) {
            log.info(
                    "Stopping worker {} after Kafka Streams stopped on an error; {} running generations are left"
                            + " to the next owner",
                    config.workerId(),
                    counters.running.get());
        } else {
            log.info(
                    "Stopping worker {}: no new generations; {} running may finish within {}",
                    config.workerId(),
                    counters.running.get(),
                    config.drainTimeout());
            long deadline = start + config.drainTimeout().toNanos();
            while (counters.running.get() > 0 && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(20));
            }
            sleep(config.punctuateInterval().multipliedBy(3)); // let the punctuator forward the last answers
        }
        // Stopped before the partitions move, so this worker does not go on reporting lag that is no longer its own.
        committedLag.close();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        decodingThreads.shutdownNow();
        try {
            decodingThreads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Worker {} stopped in {} ms", config.workerId(), (System.nanoTime() - start) / 1_000_000);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory decodingThreadFactory() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "decoding-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
