package io.specops.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.specops.streams.RequestObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The worker's metrics: one Prometheus registry with the request meters, the JVM and process
 * binders, the Kafka Streams client metrics, the model-info gauge and the health state. The
 * {@code worker} command creates it before loading the model, then tells it what happened, in
 * this order:
 *
 * <pre>{@code
 * WorkerMetrics metrics = WorkerMetrics.create();
 * MetricsServer server = metrics.serve(new InetSocketAddress(port));   // health answers from here on
 * metrics.modelLoaded(modelDirectory, sha256, verified);               // after the engine started
 * new Worker(config, engine, metrics.observer(), streams ->
 *         metrics.bindKafkaStreams(streams::metrics, () -> streams.state().name()));
 * metrics.bindRunningGenerations(worker.counters().running::get);
 * metrics.bindWaitingPrompts(worker.counters().waiting::get, worker.counters().heldBackPartitions::get);
 * metrics.bindNgramStore(table::size, table::lookups, table::hits);
 * metrics.bindCommittedLag(worker.settings().topics().prompts(), worker::committedLag);
 * }</pre>
 *
 * Close it (after the server) to release the GC listeners.
 */
public final class WorkerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RequestMeters requests = new RequestMeters(registry);
    private final WorkerHealth health = new WorkerHealth();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile KafkaClientMeters kafka;
    private volatile CommittedLagMeters committedLag;
    private volatile LongSupplier ngramLookups = () -> 0;
    private volatile LongSupplier ngramHits = () -> 0;

    private WorkerMetrics() {}

    public static WorkerMetrics create() {
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.bindProcess();
        metrics.bindHealth();
        return metrics;
    }

    private void bindProcess() {
        for (MeterBinder binder : new MeterBinder[] {
            new JvmMemoryMetrics(),
            gc,
            new JvmThreadMetrics(),
            new ClassLoaderMetrics(),
            new JvmInfoMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics(),
            new FileDescriptorMetrics()
        }) {
            binder.bindTo(registry);
        }
    }

    private void bindHealth() {
        Gauge.builder(MetricNames.WORKER_READY, health, h -> h.ready() ? 1 : 0)
                .description("1 when the model is loaded and verified and Kafka Streams is RUNNING")
                .register(registry);
        for (String state : MetricNames.KAFKA_STREAMS_STATES) {
            Gauge.builder(MetricNames.WORKER_STATE, health, h -> state.equals(h.state()) ? 1 : 0)
                    .description("1 for the Kafka Streams state the worker is in")
                    .tag(MetricNames.TAG_STATE, state)
                    .register(registry);
        }
    }

    /** Hears every request's outcome; pass it to the {@code Worker}. */
    public RequestObserver observer() {
        return requests;
    }

    /**
     * The model was loaded: sets the model-info gauge (named after the model directory) and the model
     * half of readiness, which also needs {@code verified}.
     *
     * @param sha256 the SHA-256 of the model's {@code model.onnx}, hex
     * @param verified whether the model's files were checked against its {@code SHA256SUMS} manifest
     */
    public void modelLoaded(Path modelDirectory, String sha256, boolean verified) {
        Path name = modelDirectory.getFileName();
        Gauge.builder(MetricNames.MODEL_INFO, () -> 1.0)
                .description("The loaded model; always 1")
                .tag(MetricNames.TAG_MODEL, name == null ? modelDirectory.toString() : name.toString())
                .tag(MetricNames.TAG_SHA256, sha256)
                .tag(MetricNames.TAG_VERIFIED, Boolean.toString(verified))
                .register(registry);
        health.modelLoaded(verified);
    }

    /**
     * @param clientMetrics Kafka Streams' metric registry ({@code kafkaStreams::metrics}), read at each scrape
     * @param state the name of Kafka Streams' current state ({@code () -> kafkaStreams.state().name()})
     */
    public void bindKafkaStreams(Supplier<Map<MetricName, ? extends Metric>> clientMetrics, Supplier<String> state) {
        kafka = new KafkaClientMeters(registry, clientMetrics);
        health.bindStreamsState(state);
    }

    /** @param running generations running on the decoding threads now */
    public void bindRunningGenerations(LongSupplier running) {
        Gauge.builder(MetricNames.REQUESTS_RUNNING, running, LongSupplier::getAsLong)
                .description("Generations running on the decoding threads now")
                // A gauge holds its object weakly, and nothing else holds this method reference.
                .strongReference(true)
                .register(registry);
    }

    /**
     * @param waiting prompts taken on and not yet started now
     * @param heldBackPartitions prompt partitions not fetched now because enough prompts wait
     */
    public void bindWaitingPrompts(LongSupplier waiting, LongSupplier heldBackPartitions) {
        Gauge.builder(MetricNames.REQUESTS_WAITING, waiting, LongSupplier::getAsLong)
                .description("Prompts taken on and waiting for a decoding thread")
                .strongReference(true)
                .register(registry);
        Gauge.builder(MetricNames.PROMPT_PARTITIONS_HELD_BACK, heldBackPartitions, LongSupplier::getAsLong)
                .description("Prompt partitions not fetched now because enough prompts wait")
                .strongReference(true)
                .register(registry);
    }

    /**
     * @param contexts contexts in the shared n-gram store now
     * @param lookups lookups in it so far
     * @param hits lookups that found their context so far
     */
    public void bindNgramStore(IntSupplier contexts, LongSupplier lookups, LongSupplier hits) {
        Gauge.builder(MetricNames.NGRAM_STORE_CONTEXTS, contexts, IntSupplier::getAsInt)
                .description("Contexts in the shared n-gram store")
                .strongReference(true)
                .register(registry);
        ngramLookups = lookups;
        ngramHits = hits;
        // A function counter holds its object weakly: this object, unlike a method reference, lives as long as
        // the registry it owns.
        FunctionCounter.builder(MetricNames.NGRAM_STORE_LOOKUPS, this, m -> m.ngramLookups.getAsLong())
                .description("Lookups in the shared n-gram store")
                .register(registry);
        FunctionCounter.builder(MetricNames.NGRAM_STORE_HITS, this, m -> m.ngramHits.getAsLong())
                .description("Lookups in the shared n-gram store that found their context")
                .register(registry);
    }

    /**
     * @param promptsTopic the prompts topic's name, the gauges' {@code topic} tag
     * @param lagByPartition committed lag by partition number of the prompt partitions the worker owns
     *     now ({@code worker::committedLag}), read at each scrape
     */
    public void bindCommittedLag(String promptsTopic, Supplier<Map<Integer, Long>> lagByPartition) {
        committedLag = new CommittedLagMeters(registry, promptsTopic, lagByPartition);
    }

    public WorkerHealth health() {
        return health;
    }

    /** The Prometheus text exposition of every meter, Kafka's and the committed lag's brought up to date first. */
    public String scrape() {
        KafkaClientMeters current = kafka;
        if (current != null) {
            current.refresh();
        }
        CommittedLagMeters lag = committedLag;
        if (lag != null) {
            lag.refresh();
        }
        return registry.scrape();
    }

    /** Starts the HTTP endpoint for {@code /metrics}, {@code /health/live} and {@code /health/ready}. */
    public MetricsServer serve(InetSocketAddress address) {
        return MetricsServer.start(address, this::scrape, health);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
