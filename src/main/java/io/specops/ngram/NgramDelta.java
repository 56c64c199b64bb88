package io.specops.ngram;

import java.util.LinkedHashMap;
import java.util.Map;

/** The n-gram statistics one finished sequence contributes: context key to continuation counts. */
public final class NgramDelta {

    private NgramDelta() {}

    /**
     * Every context of each length in {@code orders} in {@code tokens[0, length)}, with the token
     * that followed it.
     */
    public static Map<ByteKey, NgramCounts> of(int[] tokens, int length, int[] orders, int capacity) {
        Map<ByteKey, NgramCounts> delta = new LinkedHashMap<>();
        for (int order : orders) {
            for (int position = order; position < length; position++) {
                int from = position - order;
                long hash = NgramContext.hash(tokens, from, order);
                NgramCounts one = NgramCounts.single(hash, tokens[position]);
                delta.merge(new ByteKey(NgramContext.key(tokens, from, order)), one, (a, b) -> a.merge(b, capacity));
            }
        }
        return delta;
    }

    /** A byte-array map key compared by content. */
    public record ByteKey(byte[] bytes) {
        public ByteKey {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ByteKey that && java.util.Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
