package io.specops.metrics;

import java.util.List;

/**
 * Names and tag keys of the worker's own meters, in Micrometer's dotted form. The Prometheus
 * registry renders {@code specops.time.to.first.token} as {@code specops_time_to_first_token_seconds}
 * (timers get {@code _seconds}, counters {@code _total}); {@link #prometheusName} gives that form.
 * The names follow vLLM's metrics where one exists, so its users find what they know: time to
 * first token, inter-token latency, end-to-end and queue time, prompt and generation tokens,
 * finished requests by reason, and the speculative-decoding counters.
 *
 * <p>The Grafana dashboard and the Prometheus alert rules in {@code monitoring/} are JSON and YAML,
 * so they cannot import these constants; {@code MonitoringFilesTest} fails when they name a
 * {@code specops_} series that the registry does not render.
 */
public final class MetricNames {

    private MetricNames() {}

    public static final String PREFIX = "specops";

    /** From the start of a generation to its first generated token; queue time is not included. */
    public static final String TIME_TO_FIRST_TOKEN = PREFIX + ".time.to.first.token";

    /**
     * The gap before each output token after the first, one sample per token (vLLM's inter-token
     * latency, also known as time per output token). Tokens arrive in bursts under speculation: a
     * verify step that settles {@code n} tokens {@code g} seconds after the step before gives
     * {@code n} samples of {@code g / n}. So a request adds {@code generated_tokens - 1} samples
     * whose sum is the time from its first token to its last.
     */
    public static final String INTER_TOKEN_LATENCY = PREFIX + ".inter.token.latency";

    /** From the prompt record's timestamp to the request's last token: queue time plus generation. */
    public static final String E2E_REQUEST_LATENCY = PREFIX + ".e2e.request.latency";

    /** From the prompt record's timestamp to the start of its generation. */
    public static final String REQUEST_QUEUE_TIME = PREFIX + ".request.queue.time";

    public static final String PROMPT_TOKENS = PREFIX + ".prompt.tokens";
    /** Tokens the target produced, an end token included (the metrics record's generated_tokens). */
    public static final String GENERATION_TOKENS = PREFIX + ".generation.tokens";

    /** Finished generations, by {@link #TAG_FINISHED_REASON}. */
    public static final String REQUEST_SUCCESS = PREFIX + ".request.success";
    /** Generations that ended in an error record, by {@link #TAG_CODE}. */
    public static final String REQUEST_FAILURE = PREFIX + ".request.failure";
    /** Valid prompts taken on. */
    public static final String REQUESTS_ACCEPTED = PREFIX + ".requests.accepted";
    /** Requests found in a restored in-flight store and run again. */
    public static final String REQUESTS_RESUMED = PREFIX + ".requests.resumed";
    /** Prompt records refused at validation and copied to the dead-letter topic, by {@link #TAG_CODE}. */
    public static final String PROMPTS_DEAD_LETTERED = PREFIX + ".prompts.dead.lettered";
    /** Generations running on the decoding threads now. */
    public static final String REQUESTS_RUNNING = PREFIX + ".requests.running";
    /**
     * Prompts taken on and waiting for a decoding thread now (vLLM: num_requests_waiting); the worker
     * stops fetching prompts while {@code worker.max.waiting.prompts} wait.
     */
    public static final String REQUESTS_WAITING = PREFIX + ".requests.waiting";
    /** Prompt partitions the worker does not fetch now because enough prompts wait. */
    public static final String PROMPT_PARTITIONS_HELD_BACK = PREFIX + ".prompt.partitions.held.back";
    /**
     * Per prompt partition this worker owns ({@link #TAG_TOPIC}, {@link #TAG_PARTITION}): the log end
     * offset less the consumer group's committed offset, read from the broker every {@code
     * metrics.lag.interval.ms}. Unlike {@link #KAFKA_CONSUMER_RECORDS_LAG} it counts prompts the
     * consumer has fetched but the worker has not taken on, so it shows a backlog the worker holds
     * back on the topic. The dashboard, the lag alert and the HPA read this one.
     */
    public static final String PROMPTS_COMMITTED_LAG = PREFIX + ".prompts.committed.lag";

    /** Verify steps that checked a draft (vLLM: spec_decode_num_drafts). */
    public static final String SPEC_DECODE_DRAFTS = PREFIX + ".spec.decode.drafts";
    /** Draft tokens sent to the target for checking. */
    public static final String SPEC_DECODE_DRAFT_TOKENS = PREFIX + ".spec.decode.draft.tokens";
    /** Draft tokens the target agreed with. */
    public static final String SPEC_DECODE_ACCEPTED_TOKENS = PREFIX + ".spec.decode.accepted.tokens";
    /**
     * Near-ties at which the decoder recomputed a sequence the way plain decoding does, so that the
     * choice came from plain decoding's own logits (see {@code speculation.tie.margin}).
     */
    public static final String SPEC_DECODE_TIE_REPLAYS = PREFIX + ".spec.decode.tie.replays";
    /**
     * Accepted draft tokens by their 0-based draft position ({@link #TAG_POSITION}); vLLM:
     * spec_decode_num_accepted_tokens_per_pos. Position 0 counts drafts whose first token was
     * accepted. Positions from {@link #MAX_DRAFT_POSITION_LABELS} - 1 on share the last label,
     * {@link #lastDraftPositionLabel()}, so a worker exports at most that many series.
     */
    public static final String SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION =
            PREFIX + ".spec.decode.accepted.tokens.per.position";

    /** Contexts in the shared n-gram store this worker drafts from (its global-store copy). */
    public static final String NGRAM_STORE_CONTEXTS = PREFIX + ".ngram.store.contexts";
    /** Draft attempts that looked a context up in the shared n-gram store. */
    public static final String NGRAM_STORE_LOOKUPS = PREFIX + ".ngram.store.lookups";
    /** Lookups that found the context. */
    public static final String NGRAM_STORE_HITS = PREFIX + ".ngram.store.hits";

    /**
     * Always 1; the loaded model is in the tags {@link #TAG_MODEL}, {@link #TAG_SHA256} (of its
     * model.onnx) and {@link #TAG_VERIFIED}.
     */
    public static final String MODEL_INFO = PREFIX + ".model.info";
    /** 1 when the worker is ready (model loaded and verified, Kafka Streams RUNNING), else 0. */
    public static final String WORKER_READY = PREFIX + ".worker.ready";
    /** 1 for the Kafka Streams state the worker is in ({@link #TAG_STATE}), 0 for the others. */
    public static final String WORKER_STATE = PREFIX + ".worker.state";

    public static final String TAG_FINISHED_REASON = "finished_reason";
    public static final String TAG_CODE = "code";
    public static final String TAG_MODEL = "model";
    public static final String TAG_SHA256 = "sha256";
    public static final String TAG_STATE = "state";
    /** The prompts topic's name, as configured by {@code topics.prompts}. */
    public static final String TAG_TOPIC = "topic";
    /** A partition number of the prompts topic; bounded by its partition count. */
    public static final String TAG_PARTITION = "partition";
    /** 0-based draft position, {@code "0"} to {@code "30"}, then {@link #lastDraftPositionLabel()}. */
    public static final String TAG_POSITION = "position";
    /** {@code "true"} when the model's files were checked against its SHA256SUMS manifest. */
    public static final String TAG_VERIFIED = "verified";

    /** How many values {@link #TAG_POSITION} takes at most. */
    public static final int MAX_DRAFT_POSITION_LABELS = 32;

    /** The {@link #TAG_POSITION} value of a 0-based draft position. */
    public static String draftPositionLabel(int position) {
        if (position < 0) {
            throw new IllegalArgumentException("draft positions start at 0 but was " + position);
        }
        return position < MAX_DRAFT_POSITION_LABELS - 1 ? Integer.toString(position) : lastDraftPositionLabel();
    }

    /** {@code "31+"}: the label shared by every draft position from 31 on. */
    public static String lastDraftPositionLabel() {
        return (MAX_DRAFT_POSITION_LABELS - 1) + "+";
    }

    /**
     * Kafka client metrics are renamed as Micrometer's Kafka binders do: {@code kafka.}, the group
     * without its {@code -metrics} suffix, the metric name, dashes as dots. This is the consumer's
     * high watermark less its fetch position, per topic and partition; records fetched ahead of the
     * processor count as read, so it misses a backlog held back on the topic ({@link
     * #PROMPTS_COMMITTED_LAG} does not).
     */
    public static final String KAFKA_CONSUMER_RECORDS_LAG = "kafka.consumer.fetch.manager.records.lag";

    /** The finish reasons of a finished request, as the completion records spell them. */
    public static final List<String> FINISHED_REASONS = List.of("stop", "length");

    /** Failure codes of a started generation, as PromptProcessor writes them. */
    public static final List<String> FAILURE_CODES = List.of("invalid_request", "internal_error");

    /** Codes of a prompt record refused at validation, as PromptParser writes them. */
    public static final List<String> DEAD_LETTER_CODES =
            List.of("record_too_large", "not_utf8", "malformed_json", "invalid_request");

    /** Kafka Streams' states (KafkaStreams.State), listed here because only the worker packages import it. */
    public static final List<String> KAFKA_STREAMS_STATES =
            List.of("CREATED", "REBALANCING", "RUNNING", "PENDING_SHUTDOWN", "NOT_RUNNING", "PENDING_ERROR", "ERROR");

    /** What a meter is, for {@link #prometheusName}. */
    public enum Kind {
        TIMER,
        COUNTER,
        GAUGE
    }

    /**
     * The series name the Prometheus registry renders for a meter (a timer's histogram adds
     * {@code _bucket}, {@code _count} and {@code _sum} to it, and a {@code _max} gauge).
     */
    public static String prometheusName(String dottedName, Kind kind) {
        String base = dottedName.replace('.', '_');
        return switch (kind) {
            case TIMER -> base + "_seconds";
            case COUNTER -> base + "_total";
            case GAUGE -> base;
        };
    }
}
