package io.specops.streams;

import io.specops.ngram.NgramTable;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The worker's topology: prompts in, one processor with its in-flight store, four sinks out.
 *
 * <pre>
 * prompts-source ─► generate (in-flight and answered stores) ─┬► chunks-sink
 *                                                              ├► completions-sink
 *                                                              ├► metrics-sink
 *                                                              ├► dlq-sink
 *                                                              └► ngram-deltas-sink ─► (topic) ─► ngram-aggregate ─► ngrams-sink
 * ngrams (topic) ─► ngrams-global-source ─► ngrams-global-writer (global store, drafter table)
 * </pre>
 *
 * Values are bytes end to end: the processor parses prompts itself, so a malformed record is
 * answered and dead-lettered instead of failing deserialisation.
 */
public final class WorkerTopology {

    public static final String SOURCE = "prompts-source";
    public static final String PROCESSOR = "generate";
    public static final String IN_FLIGHT_STORE = "in-flight";
    public static final String ANSWERED_STORE = "answered";
    public static final String CHUNKS_SINK = "chunks-sink";
    public static final String COMPLETIONS_SINK = "completions-sink";
    public static final String METRICS_SINK = "metrics-sink";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String NGRAM_DELTAS_SINK = "ngram-deltas-sink";
    public static final String NGRAM_DELTAS_SOURCE = "ngram-deltas-source";
    public static final String NGRAM_AGGREGATE = "ngram-aggregate";
    public static final String NGRAM_AGGREGATE_STORE = "ngram-aggregate";
    public static final String NGRAMS_SINK = "ngrams-sink";
    public static final String NGRAMS_GLOBAL_SOURCE = "ngrams-global-source";
    public static final String NGRAMS_GLOBAL_WRITER = "ngrams-global-writer";
    public static final String NGRAM_GLOBAL_STORE = "ngrams-global";

    private WorkerTopology() {}

    /**
     * @param encoder the model's tokenizer, to check prompt lengths at the door
     * @param decodingThreads where generations run; owned by the caller
     * @param draining true while the worker hands its work back before stopping
     * @param groupGeneration on a stream thread, the consumer-group generation it is in now
     * @param partitionHold on a stream thread, what holds back its prompt partitions
     */
    public static Topology build(
            WorkerSettings settings,
            Generator generator,
            Function<String, int[]> encoder,
            ExecutorService decodingThreads,
            WorkerCounters counters,
            RequestObserver observer,
            NgramTable ngrams,
            BooleanSupplier draining,
            IntSupplier groupGeneration,
            Supplier<PartitionHold> partitionHold) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.prompts());
        topology.addProcessor(
                PROCESSOR,
                () -> new PromptProcessor(
                        settings,
                        new PromptParser(settings.limits(), encoder, settings.defaultDrafter()),
                        generator,
                        decodingThreads,
                        counters,
                        observer,
                        draining,
                        groupGeneration,
                        partitionHold),
                SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(IN_FLIGHT_STORE), Serdes.String(), Serdes.ByteArray()),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ANSWERED_STORE), Serdes.String(), Serdes.Long()),
                PROCESSOR);
        ByteArraySerializer bytes = new ByteArraySerializer();
        topology.addSink(CHUNKS_SINK, topics.chunks(), bytes, bytes, PROCESSOR);
        topology.addSink(COMPLETIONS_SINK, topics.completions(), bytes, bytes, PROCESSOR);
        topology.addSink(METRICS_SINK, topics.metrics(), bytes, bytes, PROCESSOR);
        topology.addSink(DLQ_SINK, topics.promptsDlq(), bytes, bytes, PROCESSOR);
        topology.addSink(NGRAM_DELTAS_SINK, topics.ngramDeltas(), bytes, bytes, PROCESSOR);
        addSharedNgrams(topology, settings, ngrams);
        return topology;
    }

    /**
     * Deltas in, merged per context, out to the compacted n-gram topic; and that topic read back by
     * every worker into a global store (in memory, restored from the topic on start) that feeds the
     * drafter's table.
     */
    private static void addSharedNgrams(Topology topology, WorkerSettings settings, NgramTable ngrams) {
        Topics topics = settings.topics();
        ByteArraySerializer bytes = new ByteArraySerializer();
        ByteArrayDeserializer fromBytes = new ByteArrayDeserializer();
        topology.addSource(NGRAM_DELTAS_SOURCE, fromBytes, fromBytes, topics.ngramDeltas());
        topology.addProcessor(
                NGRAM_AGGREGATE,
                () -> new NgramAggregateProcessor(
                        settings.ngrams().maxContinuations(), settings.ngrams().maxContextsPerPartition()),
                NGRAM_DELTAS_SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(NGRAM_AGGREGATE_STORE), Serdes.ByteArray(), Serdes.ByteArray()),
                NGRAM_AGGREGATE);
        topology.addSink(NGRAMS_SINK, topics.ngrams(), bytes, bytes, NGRAM_AGGREGATE);
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(NGRAM_GLOBAL_STORE),
                                Serdes.ByteArray(),
                                Serdes.ByteArray())
                        .withLoggingDisabled(),
                NGRAMS_GLOBAL_SOURCE,
                fromBytes,
                fromBytes,
                topics.ngrams(),
                NGRAMS_GLOBAL_WRITER,
                () -> new NgramGlobalWriter(ngrams));
    }
}
