package io.specops.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One sequence's KV cache in direct buffers it owns: per cache tensor (every layer's keys, then every
 * layer's values), two buffers of layout {@code (1, kvHeads, tokens, headSize)}, float32 or float16.
 * One side holds the cache the next inference call reads; the call writes its present cache into the
 * other side (ONNX Runtime's pinned outputs), and the sides swap. So the cache never passes through
 * ONNX Runtime's own output tensors, and a rollback is a copy between the two sides, with no
 * allocation. Buffers grow by doubling, up to the context length. Mutable; close it.
 */
final class KvTensors implements AutoCloseable {

    /** Tokens a buffer is first sized for, so short sequences do not grow it step by step. */
    private static final int MIN_CAPACITY_TOKENS = 64;

    private final OrtEnvironment environment;
    private final OnnxLayout layout;
    private final int contextLength;
    private final int rowBytes;
    /** {@code [side][tensor]}; null until first needed. */
    private final ByteBuffer[][] buffers;
    /** The cache: tensors over {@code buffers[current]} with {@code tokens} tokens each. */
    private final OnnxTensor[] cache;

    private int current;
    private int tokens;

    KvTensors(OrtEnvironment environment, OnnxLayout layout, int contextLength) {
        this.environment = environment;
        this.layout = layout;
        this.contextLength = contextLength;
        this.rowBytes = layout.headSize() * (layout.kvType() == OnnxJavaType.FLOAT16 ? 2 : 4);
        int count = 2 * layout.layers();
        this.buffers = new ByteBuffer[2][count];
        this.cache = new OnnxTensor[count];
        try {
            for (int tensor = 0; tensor < count; tensor++) {
                cache[tensor] = wrap(ByteBuffer.allocateDirect(0), 0);
            }
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("cannot create an empty KV tensor: " + e.getMessage(), e);
        }
    }

    int tokens() {
        return tokens;
    }

    OnnxTensor key(int layer) {
        return cache[layer];
    }

    OnnxTensor value(int layer) {
        return cache[layout.layers() + layer];
    }

    /**
     * Tensors of {@code total} tokens over the free side, for one call to write its present keys
     * (first {@code layers}) and values into. Pass them to {@link #adopt} after the call, or close them.
     */
    OnnxTensor[] outputs(int total) throws OrtException {
        int side = 1 - current;
        OnnxTensor[] outputs = new OnnxTensor[cache.length];
        try {
            for (int tensor = 0; tensor < cache.length; tensor++) {
                outputs[tensor] = wrap(ensureCapacity(side, tensor, total), total);
            }
        } catch (OrtException | RuntimeException e) {
            closeAll(outputs);
            throw e;
        }
        return outputs;
    }

    /** Makes {@code written}, from {@link #outputs}, the cache and frees the side the call read. */
    void adopt(OnnxTensor[] written, int total) {
        closeAll(cache);
        System.arraycopy(written, 0, cache, 0, cache.length);
        current = 1 - current;
        tokens = total;
    }

    /**
     * Keeps the first {@code keep} tokens. The layout is head-major, so each head's kept rows are one
     * contiguous run: per tensor, {@code kvHeads} bulk copies into the free side, which becomes the cache.
     */
    void truncate(int keep) throws OrtException {
        int side = 1 - current;
        OnnxTensor[] kept = new OnnxTensor[cache.length];
        try {
            for (int tensor = 0; tensor < cache.length; tensor++) {
                ByteBuffer source = buffers[current][tensor];
                ByteBuffer target = ensureCapacity(side, tensor, keep);
                for (int head = 0; head < layout.kvHeads(); head++) {
                    target.put(head * keep * rowBytes, source, head * tokens * rowBytes, keep * rowBytes);
                }
                kept[tensor] = wrap(target, keep);
            }
        } catch (OrtException | RuntimeException e) {
            closeAll(kept);
            throw e;
        }
        adopt(kept, keep);
    }

    /** The buffer of {@code side} for {@code tensor}, at least {@code needed} tokens long. */
    private ByteBuffer ensureCapacity(int side, int tensor, int needed) {
        ByteBuffer buffer = buffers[side][tensor];
        int capacityTokens = buffer == null ? 0 : buffer.capacity() / (layout.kvHeads() * rowBytes);
        if (capacityTokens < needed) {
            int grown = Math.min(contextLength, Math.max(needed, Math.max(MIN_CAPACITY_TOKENS, 2 * capacityTokens)));
            buffer = ByteBuffer.allocateDirect(layout.kvHeads() * grown * rowBytes)
                    .order(ByteOrder.nativeOrder());
            buffers[side][tensor] = buffer;
        }
        return buffer;
    }

    /** A tensor over the first {@code tokens} tokens' worth of {@code buffer}, without a copy. */
    private OnnxTensor wrap(ByteBuffer buffer, int tokens) throws OrtException {
        ByteBuffer data = buffer.slice(0, layout.kvHeads() * tokens * rowBytes).order(ByteOrder.nativeOrder());
        long[] shape = {1, layout.kvHeads(), tokens, layout.headSize()};
        return OnnxTensor.createTensor(environment, data, shape, layout.kvType());
    }

    static void closeAll(OnnxTensor[] tensors) {
        for (OnnxTensor tensor : tensors) {
            if (tensor != null) {
                tensor.close();
            }
        }
    }

    @Override
    public void close() {
        closeAll(cache);
    }
}
