package io.specops.decoding;

import java.util.Arrays;

/**
 * The cost of a verify step relative to a plain one: {@code c(k) = t(k + 1 tokens) / t(1 token)},
 * including the KV-cache rollback a rejected draft needs. Speculation pays only when the tokens a
 * step gains exceed {@code c(k)}, and {@code c(k)} differs by model, runtime and machine, so it is
 * measured ({@link #measure}) rather than assumed.
 */
public final class VerifyCost {

    private static final int WARM_UP_ROUNDS = 3;

    private final double[] relative;
    private final double oneTokenNanos;

    /**
     * @param relative {@code c(0..maxDraftTokens)}; {@code c(0)} must be 1
     * @param oneTokenNanos the measured time of a one-token step, or NaN when not measured
     */
    public VerifyCost(double[] relative, double oneTokenNanos) {
        if (relative.length < 2 || relative[0] != 1.0) {
            throw new IllegalArgumentException("relative costs must start with c(0) = 1 and cover k >= 1");
        }
        this.relative = relative.clone();
        this.oneTokenNanos = oneTokenNanos;
    }

    /** A cost model where a verify step costs {@code 1 + perDraftToken * k}; for tests and fallbacks. */
    public static VerifyCost linear(int maxDraftTokens, double perDraftToken) {
        double[] costs = new double[maxDraftTokens + 1];
        for (int k = 0; k <= maxDraftTokens; k++) {
            costs[k] = 1.0 + perDraftToken * k;
        }
        return new VerifyCost(costs, Double.NaN);
    }

    /**
     * Times {@code forward(k + 1 tokens)} plus the rollback of {@code k} of them against a one-token
     * step on a {@code contextTokens}-token cache, interleaving all {@code k} in each of
     * {@code rounds} rounds; see {@link #fromTimings} for how the rounds become {@code c(k)}.
     */
    public static VerifyCost measure(TargetModel model, int maxDraftTokens, int contextTokens, int rounds) {
        int[] tokens = new int[contextTokens + maxDraftTokens + 1];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 3 + (i * 7) % Math.max(1, model.vocabSize() - 3);
        }
        long[][] nanos = new long[maxDraftTokens + 1][rounds];
        try (TargetSequence sequence = model.openSequence()) {
            sequence.forward(tokens, 0, contextTokens, 1);
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                for (int k = 0; k <= maxDraftTokens; k++) {
                    long start = System.nanoTime();
                    sequence.forward(tokens, contextTokens, k + 1, k + 1);
                    sequence.truncate(contextTokens);
                    long elapsed = System.nanoTime() - start;
                    if (round >= 0) { // negative rounds warm up every shape
                        nanos[k][round] = elapsed;
                    }
                }
            }
        }
        return fromTimings(nanos);
    }

    /**
     * {@code c(k)} from {@code nanos[k][round]}, the time of a {@code (k + 1)}-token step in each
     * round: each {@code k}'s fastest round over the fastest one-token round, at least 1, then the
     * closest non-decreasing sequence in the least-squares sense (pool adjacent violators).
     *
     * <p>Other work on the machine only ever adds time to a call, so a shape's fastest round is the
     * least disturbed estimate of its own cost. A median of a few rounds still follows a burst of load
     * that covers most of them, and a running maximum then carries that one slow shape to every longer
     * draft: one start-up of {@code bench --ngrams} on a 2-core machine busy with other work measured
     * c(8) = 1.36 and c(9..16) = 2.32 that way, and its drafts stayed near 8 tokens for the engine's
     * life (mean acceptance length 6.7 instead of 10.7).
     */
    static VerifyCost fromTimings(long[][] nanos) {
        double base = min(nanos[0]);
        double[] relative = new double[nanos.length];
        relative[0] = 1.0;
        for (int k = 1; k < nanos.length; k++) {
            relative[k] = Math.max(1.0, min(nanos[k]) / base);
        }
        poolAdjacentViolators(relative, 1);
        return new VerifyCost(relative, base);
    }

    /** Replaces {@code values[from..]} by the closest non-decreasing sequence, in place. */
    private static void poolAdjacentViolators(double[] values, int from) {
        int count = values.length - from;
        double[] blockMean = new double[count];
        int[] blockSize = new int[count];
        int blocks = 0;
        for (int i = from; i < values.length; i++) {
            blockMean[blocks] = values[i];
            blockSize[blocks] = 1;
            blocks++;
            while (blocks > 1 && blockMean[blocks - 2] > blockMean[blocks - 1]) {
                int merged = blockSize[blocks - 2] + blockSize[blocks - 1];
                blockMean[blocks - 2] =
                        (blockMean[blocks - 2] * blockSize[blocks - 2] + blockMean[blocks - 1] * blockSize[blocks - 1])
                                / merged;
                blockSize[blocks - 2] = merged;
                blocks--;
            }
        }
        int i = from;
        for (int block = 0; block < blocks; block++) {
            for (int j = 0; j < blockSize[block]; j++) {
                values[i++] = blockMean[block];
            }
        }
    }

    public double oneTokenNanos() {
        return oneTokenNanos;
    }

    public int maxDraftTokens() {
        return relative.length - 1;
    }

    /** {@code c(k)}; drafts longer than the measured range are extrapolated linearly from the last step. */
    public double relative(int k) {
        if (k < relative.length) {
            return relative[k];
        }
        int last = relative.length - 1;
        double slope = relative[last] - relative[last - 1];
        return relative[last] + slope * (k - last);
    }

    public double[] toArray() {
        return relative.clone();
    }

    private static double min(long[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    @Override
    public String toString() {
        StringBuilder text =
                new StringBuilder("c(k) for k=1..").append(relative.length - 1).append(':');
        for (int k = 1; k < relative.length; k++) {
            text.append(String.format(" %.2f", relative[k]));
        }
        return text.toString();
    }
}
