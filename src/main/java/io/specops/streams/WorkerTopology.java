package io.specops.streams;

import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The worker's topology: prompts in, one processor with its in-flight store, four sinks out.
 *
 * <pre>
 * prompts-source ─► generate (in-flight store) ─┬► chunks-sink
 *                                               ├► completions-sink
 *                                               ├► metrics-sink
 *                                               └► dlq-sink
 * </pre>
 *
 * Values are bytes end to end: the processor parses prompts itself, so a malformed record is
 * answered and dead-lettered instead of failing deserialisation.
 */
public final class WorkerTopology {

    public static final String SOURCE = "prompts-source";
    public static final String PROCESSOR = "generate";
    public static final String IN_FLIGHT_STORE = "in-flight";
    public static final String CHUNKS_SINK = "chunks-sink";
    public static final String COMPLETIONS_SINK = "completions-sink";
    public static final String METRICS_SINK = "metrics-sink";
    public static final String DLQ_SINK = "dlq-sink";

    private WorkerTopology() {}

    /**
     * @param encoder the model's tokenizer, to check prompt lengths at the door
     * @param decodingThreads where generations run; owned by the caller
     * @param draining true while the worker hands its work back before stopping
     */
    public static Topology build(
            WorkerSettings settings,
            Generator generator,
            Function<String, int[]> encoder,
            ExecutorService decodingThreads,
            WorkerCounters counters,
            RequestObserver observer,
            BooleanSupplier draining) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.prompts());
        topology.addProcessor(
                PROCESSOR,
                () -> new PromptProcessor(
                        settings,
                        new PromptParser(settings.limits(), encoder),
                        generator,
                        decodingThreads,
                        counters,
                        observer,
                        draining),
                SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(IN_FLIGHT_STORE), Serdes.String(), Serdes.ByteArray()),
                PROCESSOR);
        ByteArraySerializer bytes = new ByteArraySerializer();
        topology.addSink(CHUNKS_SINK, topics.chunks(), bytes, bytes, PROCESSOR);
        topology.addSink(COMPLETIONS_SINK, topics.completions(), bytes, bytes, PROCESSOR);
        topology.addSink(METRICS_SINK, topics.metrics(), bytes, bytes, PROCESSOR);
        topology.addSink(DLQ_SINK, topics.promptsDlq(), bytes, bytes, PROCESSOR);
        return topology;
    }
}
