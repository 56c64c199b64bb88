package io.specops.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** KV-cache tensors of shape {@code (1, kvHeads, tokens, headSize)}, float32 or float16. */
final class KvTensors {

    private KvTensors() {}

    /** A cache tensor with no tokens, for the first call of a sequence. */
    static OnnxTensor empty(OrtEnvironment environment, OnnxLayout layout) {
        try {
            return create(environment, layout, ByteBuffer.allocateDirect(0), 0);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create an empty KV tensor: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the first {@code keep} of {@code tokens} positions of every head. The layout is head-major,
     * so each head's kept rows are one contiguous run: {@code kvHeads} bulk copies.
     */
    static OnnxTensor prefix(OrtEnvironment environment, OnnxLayout layout, OnnxTensor cache, int tokens, int keep)
            throws OrtException {
        int elementBytes = layout.kvType() == OnnxJavaType.FLOAT16 ? 2 : 4;
        int rowBytes = layout.headSize() * elementBytes;
        ByteBuffer source = cache.getByteBuffer();
        ByteBuffer target =
                ByteBuffer.allocateDirect(layout.kvHeads() * keep * rowBytes).order(ByteOrder.nativeOrder());
        for (int head = 0; head < layout.kvHeads(); head++) {
            int from = head * tokens * rowBytes;
            target.put(source.slice(from, keep * rowBytes));
        }
        target.flip();
        return create(environment, layout, target, keep);
    }

    private static OnnxTensor create(OrtEnvironment environment, OnnxLayout layout, ByteBuffer data, int tokens)
            throws OrtException {
        long[] shape = {1, layout.kvHeads(), tokens, layout.headSize()};
        return OnnxTensor.createTensor(environment, data, shape, layout.kvType());
    }
}
