package io.specops.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.specops.decoding.TargetModel;
import io.specops.decoding.TargetSequence;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoder-only language model on an ONNX Runtime session. One session serves any number of
 * sequences at once ({@link OrtSession#run} is thread-safe); each sequence owns its KV cache.
 */
public final class OnnxTargetModel implements TargetModel, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnnxTargetModel.class);

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final OnnxLayout layout;
    private final int contextLength;
    /** The one output ONNX Runtime allocates; the KV cache's outputs are pinned to the sequence's buffers. */
    private final Set<String> logitsOutput;
    /** {@code (contextLength)} ones, shared read-only by every sequence's attention mask. */
    private final LongBuffer ones;
    /**
     * Whether one call can append several tokens to a non-empty cache. Some exports build their
     * attention mask for either a prompt on an empty cache or one token on a full one; on those a
     * verify pass runs token by token, which is correct but gains nothing.
     */
    private final boolean extendsCacheByMany;

    OnnxTargetModel(Path modelFile, SessionSettings settings, ModelConfig config) {
        CommandLineLength.requireLoadable();
        // Failures reach us as exceptions with ONNX Runtime's message; its own log would print them twice.
        this.environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        try (OrtSession.SessionOptions options = sessionOptions(settings)) {
            this.session = environment.createSession(modelFile.toString(), options);
            this.layout = OnnxLayout.of(session, config);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load " + modelFile + ": " + e.getMessage(), e);
        }
        this.contextLength = config.contextLength();
        this.logitsOutput = Set.of(layout.logits());
        this.ones = directLongs(contextLength);
        for (int i = 0; i < contextLength; i++) {
            ones.put(i, 1L);
        }
        this.extendsCacheByMany = probeMultiTokenExtension();
        if (!extendsCacheByMany) {
            log.warn(
                    "{} cannot append several tokens to a non-empty KV cache in one call (its attention-mask"
                            + " subgraph handles a prompt on an empty cache or one token after it); verify passes"
                            + " run token by token, so speculation cannot speed it up",
                    modelFile);
        }
    }

    private boolean probeMultiTokenExtension() {
        int[] probe = {0, 0, 0};
        try (Sequence sequence = new Sequence()) {
            sequence.forward(probe, 0, 1, 1);
            sequence.run(probe, 1, 2, 1);
            return true;
        } catch (InferenceException e) {
            return false;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(SessionSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(settings.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(
                switch (settings.optimizationLevel()) {
                    case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                    case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                    case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                    default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                });
        options.setCPUArenaAllocator(settings.memoryArena());
        options.setMemoryPatternOptimization(settings.memoryPattern());
        return options;
    }

    @Override
    public int vocabSize() {
        return layout.vocabSize();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    public String describeLayout() {
        return layout.describe();
    }

    @Override
    public TargetSequence openSequence() {
        return new Sequence();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed", e);
        }
    }

    /** An inference call that ONNX Runtime refused. */
    static final class InferenceException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        InferenceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static LongBuffer directLongs(int count) {
        return ByteBuffer.allocateDirect(count * Long.BYTES)
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
    }

    /** One sequence: its KV cache and the scratch its calls fill. */
    private final class Sequence implements TargetSequence {

        private final int layers = layout.layers();
        private final KvTensors cache = new KvTensors(environment, layout, contextLength);
        /** Input scratch, {@code (contextLength)}: token ids, then positions. */
        private final LongBuffer ids = directLongs(contextLength);

        private final LongBuffer positions = directLongs(contextLength);
        private final java.nio.IntBuffer ids32 = layout.idType() == OnnxJavaType.INT32
                ? ByteBuffer.allocateDirect(contextLength * Integer.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asIntBuffer()
                : null;

        private long inferenceNanos;

        @Override
        public int cachedTokens() {
            return cache.tokens();
        }

        @Override
        public long inferenceNanos() {
            return inferenceNanos;
        }

        @Override
        public float[] forward(int[] tokens, int from, int count, int logitRows) {
            if (count == 1 || cache.tokens() == 0 || extendsCacheByMany) {
                return run(tokens, from, count, logitRows);
            }
            int vocab = layout.vocabSize();
            float[] rows = new float[logitRows * vocab];
            for (int i = 0; i < count; i++) {
                float[] row = run(tokens, from + i, 1, 1);
                int rowIndex = i - (count - logitRows);
                if (rowIndex >= 0) {
                    System.arraycopy(row, 0, rows, rowIndex * vocab, vocab);
                }
            }
            return rows;
        }

        /**
         * One inference call appending {@code count} tokens. ONNX Runtime allocates only the logits;
         * the present keys and values go straight into the cache's free side.
         */
        float[] run(int[] tokens, int from, int count, int logitRows) {
            int total = cache.tokens() + count;
            if (total > contextLength) {
                throw new IllegalStateException(
                        "sequence of " + total + " tokens exceeds the model's context of " + contextLength);
            }
            OnnxTensor[] present = null;
            try (OnnxTensor idTensor = idTensor(tokens, from, count);
                    OnnxTensor maskTensor = layout.attentionMask().isPresent()
                            ? OnnxTensor.createTensor(environment, ones.slice(0, total), new long[] {1, total})
                            : null;
                    OnnxTensor positionTensor = layout.positionIds().isPresent() ? positionTensor(count) : null) {
                Map<String, OnnxTensor> inputs = new HashMap<>(2 * layers + 4);
                inputs.put(layout.inputIds(), idTensor);
                layout.attentionMask().ifPresent(name -> inputs.put(name, maskTensor));
                layout.positionIds().ifPresent(name -> inputs.put(name, positionTensor));
                present = cache.outputs(total);
                Map<String, OnnxTensor> outputs = new HashMap<>(2 * layers + 1);
                for (int layer = 0; layer < layers; layer++) {
                    inputs.put(layout.pastKeys().get(layer), cache.key(layer));
                    inputs.put(layout.pastValues().get(layer), cache.value(layer));
                    outputs.put(layout.presentKeys().get(layer), present[layer]);
                    outputs.put(layout.presentValues().get(layer), present[layers + layer]);
                }
                long start = System.nanoTime();
                float[] logits;
                try (OrtSession.Result result = session.run(inputs, logitsOutput, outputs)) {
                    inferenceNanos += System.nanoTime() - start;
                    logits = readLogits(result, count, logitRows);
                }
                cache.adopt(present, total);
                present = null;
                return logits;
            } catch (OrtException e) {
                throw new InferenceException("ONNX Runtime inference failed: " + e.getMessage(), e);
            } finally {
                if (present != null) {
                    KvTensors.closeAll(present);
                }
            }
        }

        private OnnxTensor idTensor(int[] tokens, int from, int count) throws OrtException {
            long[] shape = {1, count};
            if (ids32 != null) {
                ids32.clear();
                ids32.put(tokens, from, count);
                return OnnxTensor.createTensor(environment, ids32.slice(0, count), shape);
            }
            for (int i = 0; i < count; i++) {
                ids.put(i, tokens[from + i]);
            }
            return OnnxTensor.createTensor(environment, ids.slice(0, count), shape);
        }

        private OnnxTensor positionTensor(int count) throws OrtException {
            for (int i = 0; i < count; i++) {
                positions.put(i, cache.tokens() + i);
            }
            return OnnxTensor.createTensor(environment, positions.slice(0, count), new long[] {1, count});
        }

        private float[] readLogits(OrtSession.Result result, int count, int logitRows) {
            OnnxTensor logits = (OnnxTensor) result.get(layout.logits()).orElseThrow();
            java.nio.FloatBuffer all = logits.getFloatBuffer();
            int vocab = layout.vocabSize();
            float[] rows = new float[logitRows * vocab];
            all.position((count - logitRows) * vocab);
            all.get(rows);
            return rows;
        }

        @Override
        public void truncate(int length) {
            if (length < 0 || length > cache.tokens()) {
                throw new IllegalArgumentException(
                        "cannot truncate a cache of " + cache.tokens() + " tokens to " + length);
            }
            if (length == cache.tokens()) {
                return;
            }
            try {
                cache.truncate(length);
            } catch (OrtException e) {
                throw new IllegalStateException("KV cache truncation failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            cache.close();
        }
    }
}
