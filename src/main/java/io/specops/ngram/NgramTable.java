package io.specops.ngram;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared n-gram statistics as the drafter reads them: context hash to continuation counts, in
 * memory. The Kafka Streams global store that mirrors the compacted n-gram topic writes here on the
 * global thread; decoding threads read concurrently without locks.
 *
 * <p>It holds contexts of one or more lengths, its {@link #orders()}; a context's key carries its
 * length, so contexts of every length share one map (and one topic).
 */
public final class NgramTable {

    /** Longest context the table takes. */
    public static final int MAX_ORDER = 64;

    private final int[] orders;
    private final ConcurrentHashMap<Long, NgramCounts> contexts = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    /** @param orders the context lengths it is fed, longest first */
    public NgramTable(int... orders) {
        if (orders.length == 0) {
            throw new IllegalArgumentException("an n-gram table needs at least one context length");
        }
        for (int i = 0; i < orders.length; i++) {
            if (orders[i] < 1 || orders[i] > MAX_ORDER) {
                throw new IllegalArgumentException(
                        "n-gram order must be in [1, " + MAX_ORDER + "] but was " + orders[i]);
            }
            if (i > 0 && orders[i] >= orders[i - 1]) {
                throw new IllegalArgumentException(
                        "n-gram orders must be given longest first, without repeats: " + Arrays.toString(orders));
            }
        }
        this.orders = orders.clone();
    }

    /** The context lengths, longest first. */
    public int[] orders() {
        return orders.clone();
    }

    /** The shortest context length: a sequence shorter than this has no context in the table. */
    public int shortestOrder() {
        return orders[orders.length - 1];
    }

    public void put(byte[] contextKey, byte[] countsValue) {
        long hash = NgramContext.hashOfKey(contextKey);
        contexts.put(hash, NgramCounts.fromBytes(countsValue, hash));
    }

    public void remove(byte[] contextKey) {
        contexts.remove(NgramContext.hashOfKey(contextKey));
    }

    /** The continuations of {@code tokens[from, from + order)}, or null when the context is unknown. */
    public NgramCounts lookup(int[] tokens, int from, int order) {
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
