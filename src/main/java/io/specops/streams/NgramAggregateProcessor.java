package io.specops.streams;

import io.specops.ngram.NgramContext;
import io.specops.ngram.NgramCounts;
import java.util.Arrays;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Merges n-gram deltas into the counts of their context and forwards the merged counts to the
 * compacted n-gram topic. Each task keeps at most {@code maxContexts} contexts: those with the
 * smallest context hash, the same bottom-k rule the counts use for continuations, so which
 * contexts survive does not depend on the order deltas arrive in. An evicted context is forwarded
 * as a tombstone, which removes it from every worker's global store.
 */
final class NgramAggregateProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    /** A retained context, ordered by hash (then key bytes, to break ties). */
    private record Retained(long hash, byte[] key) implements Comparable<Retained> {
        @Override
        public int compareTo(Retained other) {
            int byHash = Long.compareUnsigned(hash, other.hash);
            return byHash != 0 ? byHash : Arrays.compare(key, other.key);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Retained that && hash == that.hash && Arrays.equals(key, that.key);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hash);
        }
    }

    private final int maxContinuations;
    private final int maxContexts;
    private final TreeSet<Retained> retained = new TreeSet<>();
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<byte[], byte[]> store;

    NgramAggregateProcessor(int maxContinuations, int maxContexts) {
        this.maxContinuations = maxContinuations;
        this.maxContexts = maxContexts;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(WorkerTopology.NGRAM_AGGREGATE_STORE);
        try (KeyValueIterator<byte[], byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<byte[], byte[]> entry = all.next();
                retained.add(new Retained(NgramContext.hashOfKey(entry.key), entry.key));
            }
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] key = record.key();
        if (key == null || record.value() == null || key.length % Integer.BYTES != 0) {
            return; // not a delta this worker wrote
        }
        long hash = NgramContext.hashOfKey(key);
        byte[] stored = store.get(key);
        Retained candidate = new Retained(hash, key);
        if (stored == null && !admit(candidate)) {
            return;
        }
        NgramCounts delta = NgramCounts.fromBytes(record.value(), hash);
        NgramCounts merged =
                stored == null ? delta : NgramCounts.fromBytes(stored, hash).merge(delta, maxContinuations);
        byte[] value = merged.toBytes();
        store.put(key, value);
        context.forward(record.withValue(value));
    }

    /** Makes room for a new context if its hash ranks among the lowest {@code maxContexts}. */
    private boolean admit(Retained candidate) {
        if (retained.size() < maxContexts) {
            retained.add(candidate);
            return true;
        }
        Retained highest = retained.last();
        if (candidate.compareTo(highest) >= 0) {
            return false;
        }
        retained.pollLast();
        store.delete(highest.key());
        context.forward(new Record<byte[], byte[]>(highest.key(), null, context.currentSystemTimeMs()));
        retained.add(candidate);
        return true;
    }
}
