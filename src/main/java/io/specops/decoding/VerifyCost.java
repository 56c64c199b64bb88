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

    /** {@link #time}, then {@link #fromTimings}. */
    public static VerifyCost measure(TargetModel model, int maxDraftTokens, int contextTokens, int rounds) {
        return fromTimings(time(model, maxDraftTokens, contextTokens, rounds));
    }

    /**
     * Times {@code forward(k + 1 tokens)} plus the rollback of {@code k} of them against a one-token
     * step on a {@code contextTokens}-token cache, interleaving all {@code k} in each of
     * {@code rounds} rounds. Returns {@code nanos[k][round]}.
     */
    public static long[][] time(TargetModel model, int maxDraftTokens, int contextTokens, int rounds) {
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
        return nanos;
    }

    /**
     * {@code c(k)} from {@code nanos[k][round]}, the time of a {@code (k + 1)}-token step in each
     * round: each {@code k}'s fastest round, a straight line {@code t(k) = t(0) + slope * k} through
     * those by the Theil-Sen estimator (the median of the slopes between every two {@code k}, and the
     * median intercept under it), and {@code c(k) = t(k) / t(0)}.
     *
     * <p>Other work on the machine only ever adds time to a call, so a shape's fastest round is the
     * least disturbed estimate of its own cost; a shape slowed in all its rounds is one point among
     * {@code maxDraftTokens + 1}, which the medians pass over, and that holds for the one-token shape
     * too. The earlier rule, each {@code k}'s fastest round over the fastest one-token round made
     * non-decreasing, left every point to its own few rounds and divided them all by one shape's:
     * over eight start-ups of {@code generate --prompt "Once upon a time" --max-tokens 1} (5 rounds,
     * the {@code Verify cost} line of its log) on the 2-core machine it gave c(16) = 1.16 to 1.70
     * and c(32) = 1.22 to 2.58, against 1.59 to 1.78 and 2.18 to 2.56 for the line in start-ups
     * alternating with those. Draft lengths follow c(k), so they moved from start to start with it.
     * A line is what the runtime's cost looks like here: each draft token adds about 5% of a
     * one-token call on stories260k, out to 64 draft tokens.
     */
    public static VerifyCost fromTimings(long[][] nanos) {
        int shapes = nanos.length;
        double[] fastest = fastestRounds(nanos);
        double[] slopes = new double[shapes * (shapes - 1) / 2];
        int pairs = 0;
        for (int i = 0; i < shapes; i++) {
            for (int j = i + 1; j < shapes; j++) {
                slopes[pairs++] = (fastest[j] - fastest[i]) / (j - i);
            }
        }
        double slope = Math.max(0.0, median(slopes));
        double[] intercepts = new double[shapes];
        for (int k = 0; k < shapes; k++) {
            intercepts[k] = fastest[k] - slope * k;
        }
        double base = median(intercepts);
        if (!(base > 0)) {
            base = fastest[0];
        }
        double[] relative = new double[shapes];
        for (int k = 0; k < shapes; k++) {
            relative[k] = 1.0 + slope * k / base;
        }
        return new VerifyCost(relative, base);
    }

    /** Each {@code k}'s fastest round over the fastest one-token round: the points the line is fitted to. */
    public static double[] fastestRelative(long[][] nanos) {
        double[] fastest = fastestRounds(nanos);
        double base = fastest[0];
        for (int k = 0; k < fastest.length; k++) {
            fastest[k] /= base;
        }
        return fastest;
    }

    private static double[] fastestRounds(long[][] nanos) {
        double[] fastest = new double[nanos.length];
        for (int k = 0; k < nanos.length; k++) {
            fastest[k] = min(nanos[k]);
        }
        return fastest;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
