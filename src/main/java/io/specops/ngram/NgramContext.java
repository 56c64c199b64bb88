package io.specops.ngram;

import java.nio.ByteBuffer;

/**
 * A context is the {@code order} tokens before a position. Its key is the tokens as big-endian
 * 32-bit ids (the Kafka record key), its hash a 64-bit FNV-1a-style mix of them (the in-memory key;
 * a collision only yields a wrong draft, which verification rejects).
 */
public final class NgramContext {

    private NgramContext() {}

    public static byte[] key(int[] tokens, int from, int order) {
        ByteBuffer key = ByteBuffer.allocate(order * Integer.BYTES);
        for (int i = 0; i < order; i++) {
            key.putInt(tokens[from + i]);
        }
        return key.array();
    }

    public static long hash(int[] tokens, int from, int order) {
        long hash = 0xCBF29CE484222325L;
        for (int i = 0; i < order; i++) {
            hash = (hash ^ tokens[from + i]) * 0x100000001B3L;
            hash ^= hash >>> 29;
        }
        return hash;
    }

    public static long hashOfKey(byte[] key) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        int order = key.length / Integer.BYTES;
        int[] tokens = new int[order];
        for (int i = 0; i < order; i++) {
            tokens[i] = buffer.getInt();
        }
        return hash(tokens, 0, order);
    }
}
