package io.specops.decoding;

/**
 * How the next token is chosen from the target's logits.
 *
 * <p>{@code temperature == 0} means greedy decoding (the arg-max, ties to the lowest id). Otherwise
 * logits are divided by the temperature, cut to the {@code topK} most likely ids (0 = no cut) and to
 * the smallest set whose probability reaches {@code topP}, and one id is drawn with a uniform number
 * that depends only on {@code seed} and the token's position (see {@link Sampler}).
 */
public record SamplingParams(double temperature, double topP, int topK, long seed) {

    public static final SamplingParams GREEDY = new SamplingParams(0.0, 1.0, 0, 0L);

    public SamplingParams {
        if (!(temperature >= 0.0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0 but was " + temperature);
        }
        if (!(topP > 0.0 && topP <= 1.0)) {
            throw new IllegalArgumentException("top_p must be in (0, 1] but was " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 = no limit) but was " + topK);
        }
    }

    public boolean greedy() {
        return temperature == 0.0;
    }
}
