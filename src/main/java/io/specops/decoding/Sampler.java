package io.specops.decoding;

import java.util.Arrays;

/**
 * Chooses a token from one row of logits.
 *
 * <p>The uniform number behind a sampled token is a pure function of {@code (seed, position)}, where
 * position is the token's index in the whole sequence. Plain and speculative decoding therefore draw
 * the same number for the same position, and because speculative decoding accepts a draft token only
 * when it equals the token sampled from the target's own distribution, both paths produce the same
 * tokens. The output distribution is the target's, unchanged: the draft only decides how many
 * positions one target call can settle.
 *
 * <p>A greedy choice also leaves its {@link #lastMargin() margin}, the gap between the two highest
 * logits. Speculative decoding's logits differ from plain decoding's in the last float bits, so a
 * greedy choice with a gap that small is one the decoder must not take from a verify pass.
 *
 * <p>Instances hold scratch arrays and are not thread-safe; use one per request.
 */
public final class Sampler {

    private final SamplingParams params;
    private final int vocabSize;
    /** Unnormalised probabilities {@code exp((logit - max) / temperature)}, by id. */
    private final float[] weights;
    /** Candidate ids in draw order, as {@link #rankKey} values. */
    private final long[] ranked;

    private float margin = Float.POSITIVE_INFINITY;

    public Sampler(SamplingParams params, int vocabSize) {
        this.params = params;
        this.vocabSize = vocabSize;
        this.weights = params.greedy() ? null : new float[vocabSize];
        this.ranked = params.greedy() ? null : new long[vocabSize];
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Returns the token for sequence position {@code position} from {@code logits[offset, offset + vocab)}. */
    public int sample(float[] logits, int offset, int position) {
        if (params.greedy()) {
            return argMax(logits, offset);
        }
        return draw(logits, offset, uniform(params.seed(), position));
    }

    /**
     * After a greedy {@link #sample}: the gap between the two highest logits of that row, zero for an
     * exact tie; no change smaller than this in the difference of two logits could have changed the
     * token. Sampled choices are not guarded and leave it at infinity: a uniform number can fall
     * near the edge of any of the vocabulary's shares, so a worst-case margin for them would call
     * for a replay about once in 200 tokens by the README's estimate ("How it decodes"), while no
     * sampled choice measured so far came out differently.
     */
    public float lastMargin() {
        return margin;
    }

    private int argMax(float[] logits, int offset) {
        int best = 0;
        float bestValue = logits[offset];
        float second = Float.NEGATIVE_INFINITY;
        for (int i = 1; i < vocabSize; i++) {
            float value = logits[offset + i];
            if (value > bestValue) {
                second = bestValue;
                bestValue = value;
                best = i;
            } else if (value > second) {
                second = value;
            }
        }
        margin = bestValue - second;
        return best;
    }

    private int draw(float[] logits, int offset, double uniform) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double inverseTemperature = 1.0 / params.temperature();
        for (int i = 0; i < vocabSize; i++) {
            weights[i] = (float) Math.exp((logits[offset + i] - max) * inverseTemperature);
        }
        if (params.topK() == 0 && params.topP() >= 1.0) {
            return drawById(uniform);
        }
        int kept = params.topK() > 0 && params.topK() < vocabSize ? selectTopK(params.topK()) : sortAll();
        if (params.topP() < 1.0) {
            kept = nucleus(kept);
        }
        return drawInOrder(uniform, kept);
    }

    /** Puts every id in {@link #ranked}, most likely first; returns the vocabulary size. */
    private int sortAll() {
        for (int i = 0; i < vocabSize; i++) {
            ranked[i] = rankKey(weights[i], i);
        }
        Arrays.sort(ranked);
        return vocabSize;
    }

    /** Puts the {@code k} likeliest ids in {@link #ranked}, most likely first, in O(vocab log k). */
    private int selectTopK(int k) {
        // ranked[0, k) is a max-heap on the key, i.e. its root is the least likely id kept so far.
        for (int i = 0; i < k; i++) {
            ranked[i] = rankKey(weights[i], i);
            siftUp(i);
        }
        for (int i = k; i < vocabSize; i++) {
            long key = rankKey(weights[i], i);
            if (key < ranked[0]) {
                ranked[0] = key;
                siftDown(0, k);
            }
        }
        Arrays.sort(ranked, 0, k);
        return k;
    }

    /** The smallest prefix of the ranked ids whose weight reaches {@code topP} of the kept weight. */
    private int nucleus(int kept) {
        double total = 0.0;
        for (int i = 0; i < kept; i++) {
            total += weights[id(ranked[i])];
        }
        double cumulative = 0.0;
        for (int i = 0; i < kept; i++) {
            cumulative += weights[id(ranked[i])];
            if (cumulative >= params.topP() * total) {
                return i + 1;
            }
        }
        return kept;
    }

    /** Inverse-CDF draw over the whole vocabulary in id order: no cut needs no ranking. */
    private int drawById(double uniform) {
        double total = 0.0;
        for (int i = 0; i < vocabSize; i++) {
            total += weights[i];
        }
        double threshold = uniform * total;
        double cumulative = 0.0;
        for (int i = 0; i < vocabSize; i++) {
            cumulative += weights[i];
            if (threshold < cumulative) {
                return i;
            }
        }
        return vocabSize - 1;
    }

    /** Inverse-CDF draw over the first {@code kept} ranked ids. */
    private int drawInOrder(double uniform, int kept) {
        double total = 0.0;
        for (int i = 0; i < kept; i++) {
            total += weights[id(ranked[i])];
        }
        double threshold = uniform * total;
        double cumulative = 0.0;
        for (int i = 0; i < kept; i++) {
            cumulative += weights[id(ranked[i])];
            if (threshold < cumulative) {
                return id(ranked[i]);
            }
        }
        return id(ranked[kept - 1]);
    }

    /**
     * A key whose ascending order is descending weight, then ascending id. Weights are non-negative
     * floats, whose bit patterns order like their values.
     */
    private static long rankKey(float weight, int id) {
        return ((long) (Integer.MAX_VALUE - Float.floatToRawIntBits(weight)) << 32) | id;
    }

    private static int id(long key) {
        return (int) key;
    }

    private void siftUp(int index) {
        while (index > 0) {
            int parent = (index - 1) / 2;
            if (ranked[parent] >= ranked[index]) {
                return;
            }
            swap(parent, index);
            index = parent;
        }
    }

    private void siftDown(int index, int size) {
        while (true) {
            int largest = index;
            int left = 2 * index + 1;
            int right = left + 1;
            if (left < size && ranked[left] > ranked[largest]) {
                largest = left;
            }
            if (right < size && ranked[right] > ranked[largest]) {
                largest = right;
            }
            if (largest == index) {
                return;
            }
            swap(index, largest);
            index = largest;
        }
    }

    private void swap(int a, int b) {
        long held = ranked[a];
        ranked[a] = ranked[b];
        ranked[b] = held;
    }

    /** A uniform number in [0, 1) that depends only on the seed and the position (SplitMix64 finaliser). */
    static double uniform(long seed, int position) {
        long z = seed + 0x9E3779B97F4A7C15L * (position + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
