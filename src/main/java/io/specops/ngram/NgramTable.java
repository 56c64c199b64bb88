package io.specops.ngram;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared n-gram statistics as the drafter reads them: context hash to continuation counts, in
 * memory. The Kafka Streams global store that mirrors the compacted n-gram topic writes here on the
 * global thread; decoding threads read concurrently without locks.
 */
public final class NgramTable {

    private final int order;
    private final ConcurrentHashMap<Long, NgramCounts> contexts = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    public NgramTable(int order) {
        if (order < 1 || order > 16) {
            throw new IllegalArgumentException("n-gram order must be in [1, 16] but was " + order);
        }
        this.order = order;
    }

    public int order() {
        return order;
    }

    public void put(byte[] contextKey, byte[] countsValue) {
        long hash = NgramContext.hashOfKey(contextKey);
        contexts.put(hash, NgramCounts.fromBytes(countsValue, hash));
    }

    public void remove(byte[] contextKey) {
        contexts.remove(NgramContext.hashOfKey(contextKey));
    }

    /** The continuations of {@code tokens[from, from + order)}, or null when the context is unknown. */
    public NgramCounts lookup(int[] tokens, int from) {
        lookups.incrementAndGet();
        NgramCounts counts = contexts.get(NgramContext.hash(tokens, from, order));
        if (counts != null) {
            hits.incrementAndGet();
        }
        return counts;
    }

    public int size() {
        return contexts.size();
    }

    public long lookups() {
        return lookups.get();
    }

    public long hits() {
        return hits.get();
    }

    public void clear() {
        contexts.clear();
    }
}
