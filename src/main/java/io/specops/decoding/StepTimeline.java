package io.specops.decoding;

import java.util.function.LongConsumer;

/**
 * When one generation's tokens were settled, one entry per target call: the prefill (which settles
 * the first token, and with it the accepted tokens of a draft verified along with the prompt) and
 * then every decode step. Under speculation tokens arrive in bursts, since a verify step settles its
 * accepted draft tokens and the target's own token at once; a plain step settles one.
 *
 * <p>The inter-token gaps are defined on this timeline: a step's gap (from the previous step's
 * settling to its own) is divided evenly over the tokens it settled, one gap per token. A step that
 * settles 4 tokens 2 ms after the step before gives four gaps of 0.5 ms. Tokens the prefill settles
 * after the first arrive with it, so their gaps are 0. A request therefore has one gap per token
 * after the first, and its gaps add up to the time from its first token to its last.
 *
 * @param settledNanos per step, nanoseconds from the start of the request until the step's tokens
 *     were settled (entry 0 is the time to first token, the last entry the request's total time)
 * @param tokens per step, the tokens the target produced in it, an end token included
 */
public record StepTimeline(long[] settledNanos, int[] tokens) {

    public StepTimeline {
        if (settledNanos.length != tokens.length) {
            throw new IllegalArgumentException("settledNanos has " + settledNanos.length + " steps but tokens has "
                    + tokens.length + "; both need one entry per step");
        }
        for (int step = 0; step < tokens.length; step++) {
            if (tokens[step] < 1) {
                throw new IllegalArgumentException(
                        "every step settles at least one token, but step " + step + " has " + tokens[step]);
            }
        }
        settledNanos = settledNanos.clone();
        tokens = tokens.clone();
    }

    /** A copy, as the constructor takes one. */
    @Override
    public long[] settledNanos() {
        return settledNanos.clone();
    }

    /** A copy, as the constructor takes one. */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    public int steps() {
        return tokens.length;
    }

    /**
     * Hands every inter-token gap of the request to {@code gapNanos}, in order: one call per token
     * after the first. A step's gap is split into whole nanoseconds, the remainder going to its first
     * tokens, so the gaps add up exactly to the last step's time minus the first step's.
     */
    public void forEachInterTokenGap(LongConsumer gapNanos) {
        int settledWithTheFirst = tokens.length == 0 ? 0 : tokens[0] - 1;
        for (int token = 0; token < settledWithTheFirst; token++) {
            gapNanos.accept(0);
        }
        for (int step = 1; step < tokens.length; step++) {
            long gap = settledNanos[step] - settledNanos[step - 1];
            int count = tokens[step];
            long share = gap / count;
            long remainder = gap % count;
            for (int token = 0; token < count; token++) {
                gapNanos.accept(token < remainder ? share + 1 : share);
            }
        }
    }
}
