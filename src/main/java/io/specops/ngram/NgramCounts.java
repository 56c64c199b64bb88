package io.specops.ngram;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How often each token followed one context, for at most {@code capacity} distinct tokens.
 * Immutable.
 *
 * <p>The bound keeps the tokens with the smallest {@link #rank} (a hash of context and token), not
 * the most frequent ones. That choice makes {@link #merge} associative and commutative: a token
 * kept in the merge of everything is kept in the merge of any part of it, with its full count, so
 * deltas merged in any order and grouping give the same counts. A context seldom has more distinct
 * continuations than the capacity; one that does is ambiguous, and its drafts are weak anyway.
 */
public final class NgramCounts {

    private static final NgramCounts EMPTY = new NgramCounts(new int[0], new long[0], new long[0]);

    /** Token ids in ascending rank order. */
    private final int[] tokens;

    private final long[] counts;
    private final long[] ranks;

    private NgramCounts(int[] tokens, long[] counts, long[] ranks) {
        this.tokens = tokens;
        this.counts = counts;
        this.ranks = ranks;
    }

    public static NgramCounts empty() {
        return EMPTY;
    }

    /** One observation of {@code token} after the context whose hash is {@code contextHash}. */
    public static NgramCounts single(long contextHash, int token) {
        return new NgramCounts(new int[] {token}, new long[] {1}, new long[] {rank(contextHash, token)});
    }

    /** The sum of both, bounded to the {@code capacity} lowest-ranked tokens. */
    public NgramCounts merge(NgramCounts other, int capacity) {
        int[] mergedTokens = new int[tokens.length + other.tokens.length];
        long[] mergedCounts = new long[mergedTokens.length];
        long[] mergedRanks = new long[mergedTokens.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while ((i < tokens.length || j < other.tokens.length) && n < capacity) {
            boolean takeLeft = j == other.tokens.length
                    || (i < tokens.length && compare(ranks[i], tokens[i], other.ranks[j], other.tokens[j]) <= 0);
            if (takeLeft && j < other.tokens.length && tokens[i] == other.tokens[j]) {
                mergedTokens[n] = tokens[i];
                mergedCounts[n] = counts[i] + other.counts[j];
                mergedRanks[n++] = ranks[i++];
                j++;
            } else if (takeLeft) {
                mergedTokens[n] = tokens[i];
                mergedCounts[n] = counts[i];
                mergedRanks[n++] = ranks[i++];
            } else {
                mergedTokens[n] = other.tokens[j];
                mergedCounts[n] = other.counts[j];
                mergedRanks[n++] = other.ranks[j++];
            }
        }
        return new NgramCounts(
                Arrays.copyOf(mergedTokens, n), Arrays.copyOf(mergedCounts, n), Arrays.copyOf(mergedRanks, n));
    }

    private static int compare(long rankA, int tokenA, long rankB, int tokenB) {
        int byRank = Long.compareUnsigned(rankA, rankB);
        return byRank != 0 ? byRank : Integer.compare(tokenA, tokenB);
    }

    public int size() {
        return tokens.length;
    }

    public long total() {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    public long count(int token) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == token) {
                return counts[i];
            }
        }
        return 0;
    }

    /** The most frequent token (the lowest id among equals), or -1 when empty. */
    public int mostFrequent() {
        int best = -1;
        long bestCount = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (counts[i] > bestCount || (counts[i] == bestCount && best >= 0 && tokens[i] < best)) {
                best = tokens[i];
                bestCount = counts[i];
            }
        }
        return best;
    }

    /** Rank of a continuation: a 64-bit mix of context hash and token. */
    static long rank(long contextHash, int token) {
        long z = contextHash ^ (0x9E3779B97F4A7C15L * (token + 1L));
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    /** Binary form: entry count, then per entry token and count, all unsigned LEB128 varints. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 + tokens.length * 4);
        writeVarint(out, tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            writeVarint(out, tokens[i]);
            writeVarint(out, counts[i]);
        }
        return out.toByteArray();
    }

    /** Reads {@link #toBytes()}; ranks are recomputed from {@code contextHash}, so they cost no space. */
    public static NgramCounts fromBytes(byte[] bytes, long contextHash) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int size = (int) readVarint(in);
        int[] tokens = new int[size];
        long[] counts = new long[size];
        long[] ranks = new long[size];
        for (int i = 0; i < size; i++) {
            tokens[i] = (int) readVarint(in);
            counts[i] = readVarint(in);
            ranks[i] = rank(contextHash, tokens[i]);
        }
        return new NgramCounts(tokens, counts, ranks);
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 64 bits");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NgramCounts that
                && Arrays.equals(tokens, that.tokens)
                && Arrays.equals(counts, that.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < tokens.length; i++) {
            text.append(i == 0 ? "" : ", ").append(tokens[i]).append('=').append(counts[i]);
        }
        return text.append('}').toString();
    }
}
