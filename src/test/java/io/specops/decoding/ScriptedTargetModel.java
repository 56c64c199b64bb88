package io.specops.decoding;

import java.util.ArrayList;
import java.util.List;

/**
 * A fake target for unit tests of the decode loop: the token after {@code t} is always
 * {@code next(t)}, so generated text cycles and prompt lookup can draft it. Counts calls.
 */
final class ScriptedTargetModel implements TargetModel {

    static final int VOCAB = 16;

    private final int contextLength;
    int calls;

    ScriptedTargetModel(int contextLength) {
        this.contextLength = contextLength;
    }

    /** Ids 3..15 follow each other in one cycle of 13; ids 0-2 only start a sequence. */
    static int next(int token) {
        return 3 + (token - 3 + 5) % 13;
    }

    static final Detokenizer TEXT = (ids, from, to) -> {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append('t').append(ids[i]).append(' ');
        }
        return text.toString();
    };

    @Override
    public int vocabSize() {
        return VOCAB;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public TargetSequence openSequence() {
        return new TargetSequence() {
            private final List<Integer> cache = new ArrayList<>();

            @Override
            public int cachedTokens() {
                return cache.size();
            }

            @Override
            public float[] forward(int[] tokens, int from, int count, int logitRows) {
                if (cache.size() + count > contextLength) {
                    throw new IllegalStateException("context overflow");
                }
                calls++;
                float[] logits = new float[logitRows * VOCAB];
                for (int i = 0; i < count; i++) {
                    cache.add(tokens[from + i]);
                    int row = i - (count - logitRows);
                    if (row >= 0) {
                        for (int id = 0; id < VOCAB; id++) {
                            logits[row * VOCAB + id] = id == next(tokens[from + i]) ? 5.0f : (id % 3) * 0.1f;
                        }
                    }
                }
                return logits;
            }

            @Override
            public void truncate(int cachedTokens) {
                cache.subList(cachedTokens, cache.size()).clear();
            }

            @Override
            public long inferenceNanos() {
                return 0;
            }

            @Override
            public void close() {}
        };
    }
}
