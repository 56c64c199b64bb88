package io.specops.bench;

import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.GenerationStats;
import io.specops.decoding.TargetModel;
import io.specops.decoding.TargetSequence;
import io.specops.decoding.TokenStreamListener;
import io.specops.decoding.VerifyCost;
import io.specops.engine.Engine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain against speculative decoding in one warm process. Within every round each prompt runs both
 * ways back to back, in alternating order, so drift in machine speed hits both sides alike; a
 * round's tokens/s is its generated tokens over its generation time, and the figure reported is
 * the median over rounds. Every speculative output is compared with the plain one, token by token.
 */
public final class DecodingBenchmark {

    /** Cache length at which the verify cost curve is measured. */
    private static final int VERIFY_COST_CONTEXT = 100;

    private final Engine engine;
    private final int rounds;

    public DecodingBenchmark(Engine engine, int rounds) {
        this.engine = engine;
        this.rounds = rounds;
    }

    /** The figures of one workload. */
    public record WorkloadResult(
            String workload,
            String description,
            int prompts,
            int maxTokens,
            double plainTokensPerSecond,
            double speculativeTokensPerSecond,
            double speedup,
            double acceptanceRate,
            double meanAcceptanceLength,
            int identicalOutputs,
            int comparedOutputs,
            int tieReplays,
            double plainShareOutsideRuntime,
            double speculativeShareOutsideRuntime,
            double[] plainRoundTokensPerSecond,
            double[] speculativeRoundTokensPerSecond) {

        // Results are values: copying the per-round arrays in and out keeps them from changing once reported.
        public WorkloadResult {
            plainRoundTokensPerSecond = plainRoundTokensPerSecond.clone();
            speculativeRoundTokensPerSecond = speculativeRoundTokensPerSecond.clone();
        }

        @Override
        public double[] plainRoundTokensPerSecond() {
            return plainRoundTokensPerSecond.clone();
        }

        @Override
        public double[] speculativeRoundTokensPerSecond() {
            return speculativeRoundTokensPerSecond.clone();
        }
    }

    /**
     * @param oneTokenMillis the fitted line's one-token time
     * @param fastestRelative per {@code k}, its fastest round over the fastest one-token round
     * @param relativeCost per {@code k}, the fitted line's c(k), as the engine uses it
     */
    public record VerifyCostResult(
            int contextTokens, int rounds, double oneTokenMillis, double[] fastestRelative, double[] relativeCost) {

        public VerifyCostResult {
            fastestRelative = fastestRelative.clone();
            relativeCost = relativeCost.clone();
        }

        @Override
        public double[] fastestRelative() {
            return fastestRelative.clone();
        }

        @Override
        public double[] relativeCost() {
            return relativeCost.clone();
        }
    }

    public WorkloadResult run(Workload workload) {
        warmUp(workload);
        double[] plainRates = new double[rounds];
        double[] speculativeRates = new double[rounds];
        Totals plainTotals = new Totals();
        Totals speculativeTotals = new Totals();
        int identical = 0;
        int compared = 0;
        for (int round = 0; round < rounds; round++) {
            Totals plainRound = new Totals();
            Totals speculativeRound = new Totals();
            for (int i = 0; i < workload.prompts().size(); i++) {
                GenerationRequest request = workload.request(i);
                boolean plainFirst = (i + round) % 2 == 0;
                Completion first = generate(request, !plainFirst);
                Completion second = generate(request, plainFirst);
                Completion plain = plainFirst ? first : second;
                Completion speculative = plainFirst ? second : first;
                plainRound.add(plain.stats());
                speculativeRound.add(speculative.stats());
                compared++;
                if (Arrays.equals(plain.tokenIds(), speculative.tokenIds())
                        && plain.finishReason() == speculative.finishReason()) {
                    identical++;
                }
            }
            plainRates[round] = plainRound.tokensPerSecond();
            speculativeRates[round] = speculativeRound.tokensPerSecond();
            plainTotals.merge(plainRound);
            speculativeTotals.merge(speculativeRound);
        }
        double plainMedian = median(plainRates);
        double speculativeMedian = median(speculativeRates);
        return new WorkloadResult(
                workload.name(),
                workload.description(),
                workload.prompts().size(),
                workload.maxTokens(),
                plainMedian,
                speculativeMedian,
                speculativeMedian / plainMedian,
                speculativeTotals.acceptanceRate(),
                speculativeTotals.meanAcceptanceLength(),
                identical,
                compared,
                speculativeTotals.tieReplays(),
                plainTotals.shareOutsideRuntime(),
                speculativeTotals.shareOutsideRuntime(),
                plainRates,
                speculativeRates);
    }

    /**
     * How far the logits of verify passes stray from those of one-token passes over the same tokens.
     *
     * @param rows logit rows compared, one per token position after the first
     * @param rowsDiffering rows in which at least one logit is not bit-for-bit the same
     * @param largestDifference the largest absolute difference of one logit
     * @param closestTopTwoGap the smallest gap between the two highest logits of a one-token pass on
     *     this text: a greedy choice with a gap below {@code largestDifference} can go either way
     */
    public record LogitDriftResult(
            int draftTokens, int rows, int rowsDiffering, double largestDifference, double closestTopTwoGap) {}

    /**
     * Decodes {@code tokens} greedy tokens after {@code prompt} one target call per token, then feeds
     * the same tokens again after the same prefill, {@code draftTokens} per call as a verify pass
     * does, and compares each position's logits with the one-token pass's. ONNX Runtime computes a
     * row of a many-token call with other kernels, and so other rounding, than a one-token call.
     */
    public LogitDriftResult logitDrift(String prompt, int tokens, int draftTokens) {
        TargetModel target = engine.model().target();
        int vocab = target.vocabSize();
        int[] promptIds = engine.encode(prompt);
        int[] ids = Arrays.copyOf(promptIds, promptIds.length + tokens);
        // oneToken[i]: the logits that chose generated token i.
        float[][] oneToken = new float[tokens][];
        double closestGap = Double.POSITIVE_INFINITY;
        try (TargetSequence sequence = target.openSequence()) {
            float[] logits = sequence.forward(ids, 0, promptIds.length, 1);
            for (int i = 0; i < tokens; i++) {
                oneToken[i] = logits;
                ids[promptIds.length + i] = LogitRows.highest(logits, -1);
                closestGap = Math.min(closestGap, LogitRows.topTwoGap(logits));
                if (i + 1 < tokens) {
                    logits = sequence.forward(ids, promptIds.length + i, 1, 1);
                }
            }
        }
        int rows = 0;
        int differing = 0;
        double largest = 0;
        try (TargetSequence sequence = target.openSequence()) {
            sequence.forward(ids, 0, promptIds.length, 1);
            // A call over generated tokens [from, from + draftTokens) gives the logits that chose the
            // tokens after each of them.
            for (int from = 0; from + draftTokens < tokens; from += draftTokens) {
                float[] logits = sequence.forward(ids, promptIds.length + from, draftTokens, draftTokens);
                for (int row = 0; row < draftTokens; row++) {
                    float[] expected = oneToken[from + row + 1];
                    double rowLargest = 0;
                    for (int j = 0; j < vocab; j++) {
                        rowLargest = Math.max(rowLargest, Math.abs(logits[row * vocab + j] - expected[j]));
                    }
                    rows++;
                    differing += rowLargest > 0 ? 1 : 0;
                    largest = Math.max(largest, rowLargest);
                }
            }
        }
        return new LogitDriftResult(draftTokens, rows, differing, largest, closestGap);
    }

    public VerifyCostResult verifyCost(int maxDraftTokens, int costRounds) {
        long[][] nanos = VerifyCost.time(engine.model().target(), maxDraftTokens, VERIFY_COST_CONTEXT, costRounds);
        VerifyCost cost = VerifyCost.fromTimings(nanos);
        return new VerifyCostResult(
                VERIFY_COST_CONTEXT,
                costRounds,
                cost.oneTokenNanos() / 1e6,
                VerifyCost.fastestRelative(nanos),
                cost.toArray());
    }

    private void warmUp(Workload workload) {
        int count = Math.min(3, workload.prompts().size());
        for (int i = 0; i < count; i++) {
            GenerationRequest request = workload.request(i);
            generate(request, false);
            generate(request, true);
        }
    }

    private Completion generate(GenerationRequest request, boolean speculate) {
        return engine.generate(request, speculate, TokenStreamListener.IGNORE);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /** Sums over a set of generations. */
    private static final class Totals {
        private final List<GenerationStats> all = new ArrayList<>();

        void add(GenerationStats stats) {
            all.add(stats);
        }

        void merge(Totals other) {
            all.addAll(other.all);
        }

        double tokensPerSecond() {
            long tokens =
                    all.stream().mapToLong(GenerationStats::generatedTokens).sum();
            long nanos = all.stream().mapToLong(GenerationStats::totalNanos).sum();
            return tokens * 1e9 / nanos;
        }

        double acceptanceRate() {
            long drafted =
                    all.stream().mapToLong(GenerationStats::draftedTokens).sum();
            long accepted =
                    all.stream().mapToLong(GenerationStats::acceptedTokens).sum();
            return drafted == 0 ? 0.0 : (double) accepted / drafted;
        }

        double meanAcceptanceLength() {
            long steps = all.stream().mapToLong(GenerationStats::verifySteps).sum();
            long accepted =
                    all.stream().mapToLong(GenerationStats::acceptedTokens).sum();
            return steps == 0 ? 1.0 : 1.0 + (double) accepted / steps;
        }

        int tieReplays() {
            return all.stream().mapToInt(GenerationStats::tieReplays).sum();
        }

        double shareOutsideRuntime() {
            long nanos = all.stream().mapToLong(GenerationStats::totalNanos).sum();
            long inference =
                    all.stream().mapToLong(GenerationStats::inferenceNanos).sum();
            return (double) (nanos - inference) / nanos;
        }
    }
}
