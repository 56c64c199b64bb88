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
 * <p>Instances hold scratch arrays and are not thread-safe; use one per request.
 */
public final class Sampler {

    private final SamplingParams params;
    private final int vocabSize;
    private final float[] probabilities;
    private final Integer[] order;

    public Sampler(SamplingParams params, int vocabSize) {
        this.params = params;
        this.vocabSize = vocabSize;
        this.probabilities = params.greedy() ? null : new float[vocabSize];
        this.order = params.greedy() ? null : new Integer[vocabSize];
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Returns the token for sequence position {@code position} from {@code logits[offset, offset + vocab)}. */
    public int sample(float[] logits, int offset, int position) {
        if (params.greedy()) {
            return argMax(logits, offset, vocabSize);
        }
        return draw(logits, offset, uniform(params.seed(), position));
    }

    static int argMax(float[] logits, int offset, int length) {
        int best = 0;
        float bestValue = logits[offset];
        for (int i = 1; i < length; i++) {
            float value = logits[offset + i];
            if (value > bestValue) {
                bestValue = value;
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits, int offset, double uniform) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double inverseTemperature = 1.0 / params.temperature();
        for (int i = 0; i < vocabSize; i++) {
            probabilities[i] = (float) Math.exp((logits[offset + i] - max) * inverseTemperature);
            order[i] = i;
        }
        if (params.topK() == 0 && params.topP() >= 1.0) {
            return drawInOrder(uniform, vocabSize);
        }
        // Most likely first; equal weights in id order, so the cut and the draw are deterministic.
        Arrays.sort(order, (a, b) -> {
            int byWeight = Float.compare(probabilities[b], probabilities[a]);
            return byWeight != 0 ? byWeight : Integer.compare(a, b);
        });
        int kept = params.topK() > 0 ? Math.min(params.topK(), vocabSize) : vocabSize;
        double total = 0.0;
        for (int i = 0; i < kept; i++) {
            total += probabilities[order[i]];
        }
        if (params.topP() < 1.0) {
            double cumulative = 0.0;
            for (int i = 0; i < kept; i++) {
                cumulative += probabilities[order[i]];
                if (cumulative >= params.topP() * total) {
                    kept = i + 1;
                    break;
                }
            }
        }
        return drawInOrder(uniform, kept);
    }

    /** Inverse-CDF draw over the first {@code kept} ids of {@link #order}. */
    private int drawInOrder(double uniform, int kept) {
        double total = 0.0;
        for (int i = 0; i < kept; i++) {
            total += probabilities[order[i]];
        }
        double threshold = uniform * total;
        double cumulative = 0.0;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[order[i]];
            if (threshold < cumulative) {
                return order[i];
            }
        }
        return order[kept - 1];
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
