package io.specops.config;

import io.specops.decoding.SpeculationSettings;
import io.specops.engine.DrafterMode;
import io.specops.engine.EngineSettings;
import io.specops.engine.NgramSettings;
import io.specops.model.SessionSettings;
import io.specops.ngram.NgramTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The worker's whole configuration, typed and validated. Keys, defaults and meaning:
 *
 * <ul>
 *   <li>{@code model.dir} (models/stories260k): model directory with model.onnx, tokenizer.json and config
 *   <li>{@code model.intra.op.threads} (1): ONNX Runtime threads per inference call
 *   <li>{@code model.optimization.level} (all): none, basic, extended or all
 *   <li>{@code model.memory.arena} (true): ONNX Runtime's CPU arena allocator
 *   <li>{@code model.memory.pattern} (true): ONNX Runtime's memory-pattern planning
 *   <li>{@code speculation.enabled} (true): false decodes one token per target call
 *   <li>{@code speculation.max.draft.tokens} (32): longest draft per verify step
 *   <li>{@code speculation.ngram.min}, {@code speculation.ngram.max} (1, 4): suffix lengths prompt lookup matches
 *   <li>{@code speculation.adaptive} (true): draft length from acceptance so far and the measured cost
 *   <li>{@code speculation.min.expected.speedup} (1.3): draft only when expected to gain this much
 *   <li>{@code speculation.prior.acceptance} (0.5): per-token acceptance assumed at a request's start
 *   <li>{@code speculation.tie.margin} (1e-4): choices closer than this, in logits, are recomputed
 *       the way plain decoding computes them, so a near-tie cannot part the two
 *   <li>{@code speculation.drafter} (combined): none, prompt_lookup, shared_ngrams or combined, for
 *       requests that do not choose
 *   <li>{@code ngram.order} (16): context tokens per n-gram of the shared statistics
 *   <li>{@code ngram.long.order} (32): a longer context kept as well and consulted first; 0 for none
 *   <li>{@code ngram.max.continuations} (8), {@code ngram.max.contexts.per.partition} (200000): bounds
 *   <li>{@code ngram.min.confidence} (0.5), {@code ngram.min.count} (1): when a shared n-gram is drafted
 *   <li>{@code speculation.calibration.rounds} (5): rounds of the start-up verify-cost measurement;
 *       0 assumes {@code speculation.verify.cost.per.token} (0.05) per draft token instead
 * </ul>
 */
public record SpecOpsConfig(EngineSettings engine, WorkerConfig worker) {

    public static final Path DEFAULT_MODEL = Path.of("models", "stories260k");

    public static SpecOpsConfig from(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(values);
        SpecOpsConfig config = read(reader);
        reader.finish();
        return config;
    }

    static SpecOpsConfig read(ConfigReader reader) {
        Path modelDir =
                Path.of(reader.string("model.dir", defaultModelDirectory().toString()));
        SessionSettings session = new SessionSettings(
                reader.integer("model.intra.op.threads", 1, 1, 256),
                reader.oneOf("model.optimization.level", "all", List.of("none", "basic", "extended", "all")),
                reader.bool("model.memory.arena", true),
                reader.bool("model.memory.pattern", true));
        SpeculationSettings defaults = SpeculationSettings.DEFAULT;
        int minNgram = reader.integer("speculation.ngram.min", defaults.minNgram(), 1, 64);
        int maxNgram = reader.integer("speculation.ngram.max", defaults.maxNgram(), 1, 64);
        if (maxNgram < minNgram) {
            reader.problem(
                    "speculation.ngram.max (" + maxNgram + ") must be >= speculation.ngram.min (" + minNgram + ")");
            maxNgram = minNgram;
        }
        SpeculationSettings speculation = new SpeculationSettings(
                reader.bool("speculation.enabled", defaults.enabled()),
                reader.integer("speculation.max.draft.tokens", defaults.maxDraftTokens(), 1, 64),
                minNgram,
                maxNgram,
                reader.bool("speculation.adaptive", defaults.adaptive()),
                reader.decimal("speculation.min.expected.speedup", defaults.minExpectedSpeedup(), 0.01, 100),
                reader.decimal("speculation.prior.acceptance", defaults.priorAcceptance(), 0.001, 0.999),
                reader.decimal("speculation.tie.margin", defaults.tieMargin(), 0.0, 100));
        EngineSettings engine = new EngineSettings(
                modelDir,
                session,
                speculation,
                reader.integer("speculation.calibration.rounds", 5, 0, 1000),
                reader.decimal("speculation.verify.cost.per.token", 0.05, 0.0, 100),
                ngramSettings(reader));
        return new SpecOpsConfig(engine, WorkerConfig.read(reader, session.intraOpThreads()));
    }

    private static NgramSettings ngramSettings(ConfigReader reader) {
        NgramSettings defaults = NgramSettings.DEFAULT;
        String mode = reader.oneOf(
                "speculation.drafter",
                defaults.defaultMode().wireName(),
                List.of("none", "prompt_lookup", "shared_ngrams", "combined"));
        int order = reader.integer("ngram.order", defaults.order(), 1, 16);
        int longOrder = reader.integer("ngram.long.order", defaults.longOrder(), 0, NgramTable.MAX_ORDER);
        if (longOrder != 0 && longOrder <= order) {
            reader.problem(
                    "ngram.long.order (" + longOrder + ") must be 0 or greater than ngram.order (" + order + ")");
            longOrder = 0;
        }
        return new NgramSettings(
                DrafterMode.fromWireName(mode),
                order,
                longOrder,
                reader.integer("ngram.max.continuations", defaults.maxContinuations(), 1, 1024),
                reader.integer("ngram.max.contexts.per.partition", defaults.maxContextsPerPartition(), 1, 1 << 26),
                reader.decimal("ngram.min.confidence", defaults.minConfidence(), 0.0, 1.0),
                reader.integer("ngram.min.count", (int) defaults.minCount(), 1, 1 << 20));
    }

    /**
     * {@code models/stories260k} under the working directory, else next to the directory holding the
     * jar (a checkout's {@code target/spec-ops.jar} finds the checkout's model).
     */
    static Path defaultModelDirectory() {
        if (Files.isDirectory(DEFAULT_MODEL)) {
            return DEFAULT_MODEL;
        }
        try {
            Path jar = Path.of(SpecOpsConfig.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path jarDirectory = jar.getParent();
            Path checkout = jarDirectory == null ? null : jarDirectory.getParent();
            Path candidate = checkout == null ? null : checkout.resolve(DEFAULT_MODEL);
            if (candidate != null && Files.isDirectory(candidate)) {
                return candidate;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through to the relative default, whose absence the model loader reports
        }
        return DEFAULT_MODEL;
    }
}
