package io.specops.config;

import io.specops.decoding.SpeculationSettings;
import io.specops.engine.EngineSettings;
import io.specops.model.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The worker's whole configuration, typed and validated. Every key, its default and its meaning:
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>model.dir</td><td>models/stories260k</td><td>model directory (model.onnx, tokenizer.json, config)</td></tr>
 *   <tr><td>model.intra.op.threads</td><td>1</td><td>ONNX Runtime threads per inference call</td></tr>
 *   <tr><td>model.optimization.level</td><td>all</td><td>none, basic, extended or all</td></tr>
 *   <tr><td>model.memory.arena</td><td>true</td><td>ONNX Runtime CPU arena allocator</td></tr>
 *   <tr><td>model.memory.pattern</td><td>true</td><td>ONNX Runtime memory-pattern planning</td></tr>
 *   <tr><td>speculation.enabled</td><td>true</td><td>false decodes one token per target call</td></tr>
 *   <tr><td>speculation.max.draft.tokens</td><td>16</td><td>longest draft per verify step</td></tr>
 *   <tr><td>speculation.ngram.min / .max</td><td>1 / 4</td><td>suffix lengths prompt lookup matches</td></tr>
 *   <tr><td>speculation.adaptive</td><td>true</td><td>draft length from acceptance and measured cost</td></tr>
 *   <tr><td>speculation.min.expected.speedup</td><td>1.05</td><td>draft only when expected to gain this much</td></tr>
 *   <tr><td>speculation.prior.acceptance</td><td>0.5</td><td>per-token acceptance assumed at a request's start</td></tr>
 *   <tr><td>speculation.calibration.rounds</td><td>5</td><td>rounds of the start-up verify-cost measurement (0 = assume)</td></tr>
 *   <tr><td>speculation.verify.cost.per.token</td><td>0.05</td><td>assumed cost per draft token when not measured</td></tr>
 * </table>
 */
public record SpecOpsConfig(EngineSettings engine) {

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
                reader.decimal("speculation.prior.acceptance", defaults.priorAcceptance(), 0.001, 0.999));
        EngineSettings engine = new EngineSettings(
                modelDir,
                session,
                speculation,
                reader.integer("speculation.calibration.rounds", 5, 0, 1000),
                reader.decimal("speculation.verify.cost.per.token", 0.05, 0.0, 100));
        return new SpecOpsConfig(engine);
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
            Path candidate = jar.getParent().getParent().resolve(DEFAULT_MODEL);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through to the relative default, whose absence the model loader reports
        }
        return DEFAULT_MODEL;
    }
}
