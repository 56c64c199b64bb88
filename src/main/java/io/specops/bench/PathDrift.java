package io.specops.bench;

import io.specops.decoding.Completion;
import io.specops.decoding.Drafter;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.PromptLookupDrafter;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.SpeculationSettings;
import io.specops.decoding.SpeculativeDecoder;
import io.specops.decoding.TargetModel;
import io.specops.decoding.TargetSequence;
import io.specops.engine.Engine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a speculative run's logits stray from a plain run's over whole generations: each prompt
 * is decoded plain, then speculatively with prompt lookup, and every logit row the speculative run
 * computed for a position whose tokens so far are the plain run's is compared with the plain row
 * there. This is the drift the tie guard ({@code speculation.tie.margin}) must cover: it includes
 * what verify passes leave in the cache, not only the rounding of one call.
 */
public final class PathDrift {

    /**
     * @param positions speculative logit rows compared with the plain row of the same position
     * @param largestDifference the largest difference of one logit
     * @param largestGapDrift the largest change, between the runs, of the difference between plain
     *     decoding's two highest logits at a position
     * @param closestGap the smallest gap between the two highest logits of the plain runs
     * @param tieReplays the speculative runs' tie replays
     * @param differingOutputs prompts whose speculative tokens are not the plain run's
     */
    public record Result(
            String sampling,
            int prompts,
            long tokens,
            long positions,
            double largestDifference,
            double largestGapDrift,
            double closestGap,
            int tieReplays,
            int differingOutputs) {}

    private PathDrift() {}

    public static Result measure(
            Engine engine, List<int[]> prompts, int maxTokens, SamplingParams sampling, SpeculationSettings settings) {
        RecordingTarget target = new RecordingTarget(engine.model().target());
        SpeculativeDecoder plain = decoder(engine, target, Drafter.NONE, SpeculationSettings.OFF);
        SpeculativeDecoder speculative =
                decoder(engine, target, new PromptLookupDrafter(settings.minNgram(), settings.maxNgram()), settings);
        int vocab = target.vocabSize();
        long tokens = 0;
        long positions = 0;
        double largest = 0;
        double gapDrift = 0;
        double closestGap = Double.POSITIVE_INFINITY;
        int replays = 0;
        int differing = 0;
        for (int[] prompt : prompts) {
            GenerationRequest request = new GenerationRequest(prompt, maxTokens, sampling, List.of());
            target.rows.clear();
            Completion plainRun = plain.generate(request);
            Map<Integer, float[]> plainRows = new HashMap<>();
            for (Row row : target.rows) {
                plainRows.put(row.context.length, row.logits);
                closestGap = Math.min(closestGap, LogitRows.topTwoGap(row.logits));
            }
            int[] plainTokens = Arrays.copyOf(prompt, prompt.length + plainRun.tokenIds().length);
            System.arraycopy(plainRun.tokenIds(), 0, plainTokens, prompt.length, plainRun.tokenIds().length);
            target.rows.clear();
            Completion speculativeRun = speculative.generate(request);
            tokens += speculativeRun.stats().generatedTokens();
            replays += speculativeRun.stats().tieReplays();
            differing += Arrays.equals(plainRun.tokenIds(), speculativeRun.tokenIds()) ? 0 : 1;
            for (Row row : target.rows) {
                float[] expected = plainRows.get(row.context.length);
                if (expected == null
                        || !Arrays.equals(row.context, 0, row.context.length, plainTokens, 0, row.context.length)) {
                    continue;
                }
                positions++;
                for (int id = 0; id < vocab; id++) {
                    largest = Math.max(largest, Math.abs(row.logits[id] - expected[id]));
                }
                int best = LogitRows.highest(expected, -1);
                int second = LogitRows.highest(expected, best);
                double planned = expected[best] - expected[second];
                gapDrift = Math.max(gapDrift, Math.abs(row.logits[best] - row.logits[second] - planned));
            }
        }
        return new Result(
                sampling.greedy()
                        ? "greedy"
                        : String.format(
                                "temperature %.1f, top-p %.2f, top-k %d",
                                sampling.temperature(), sampling.topP(), sampling.topK()),
                prompts.size(),
                tokens,
                positions,
                largest,
                gapDrift,
                closestGap,
                replays,
                differing);
    }

    private static SpeculativeDecoder decoder(
            Engine engine, TargetModel target, Drafter drafter, SpeculationSettings settings) {
        return new SpeculativeDecoder(
                target,
                engine.model().tokenizer(),
                engine.model().endTokenIds(),
                drafter,
                settings,
                engine.verifyCost());
    }

    /** One logit row and the tokens that preceded its position. */
    private record Row(int[] context, float[] logits) {}

    /** Passes calls through to the real target and keeps every logit row it returns. */
    private static final class RecordingTarget implements TargetModel {
        private final TargetModel target;
        final List<Row> rows = new ArrayList<>();

        RecordingTarget(TargetModel target) {
            this.target = target;
        }

        @Override
        public int vocabSize() {
            return target.vocabSize();
        }

        @Override
        public int contextLength() {
            return target.contextLength();
        }

        @Override
        public TargetSequence openSequence() {
            TargetSequence sequence = target.openSequence();
            int[] cached = new int[target.contextLength()];
            return new TargetSequence() {
                @Override
                public int cachedTokens() {
                    return sequence.cachedTokens();
                }

                @Override
                public float[] forward(int[] tokens, int from, int count, int logitRows) {
                    int before = sequence.cachedTokens();
                    System.arraycopy(tokens, from, cached, before, count);
                    float[] logits = sequence.forward(tokens, from, count, logitRows);
                    int vocab = vocabSize();
                    for (int r = 0; r < logitRows; r++) {
                        int contextLength = before + count - logitRows + r + 1;
                        rows.add(new Row(
                                Arrays.copyOf(cached, contextLength),
                                Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab)));
                    }
                    return logits;
                }

                @Override
                public void truncate(int cachedTokens) {
                    sequence.truncate(cachedTokens);
                }

                @Override
                public long inferenceNanos() {
                    return sequence.inferenceNanos();
                }

                @Override
                public void close() {
                    sequence.close();
                }
            };
        }
    }
}
