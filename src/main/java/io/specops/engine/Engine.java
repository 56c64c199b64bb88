package io.specops.engine;

import io.specops.decoding.Completion;
import io.specops.decoding.Drafter;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.PromptLookupDrafter;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.SpeculationSettings;
import io.specops.decoding.SpeculativeDecoder;
import io.specops.decoding.TokenStreamListener;
import io.specops.decoding.VerifyCost;
import io.specops.model.LoadedModel;
import io.specops.ngram.NgramTable;
import io.specops.ngram.SharedNgramDrafter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model with its speculative decoder: text in, completion out. The verify cost of this
 * model on this machine is measured once at start-up and drives every request's draft lengths.
 * Thread-safe; holds native memory, so close it.
 */
public final class Engine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    /** A verify pass this much dearer than a one-token pass leaves speculation little to win. */
    private static final double EXPENSIVE_VERIFY = 1.8;

    /** Cache length the verify cost is measured at. */
    private static final int CALIBRATION_CONTEXT_TOKENS = 64;

    private final LoadedModel model;
    private final VerifyCost verifyCost;
    private final NgramTable ngrams;
    private final DrafterMode defaultMode;
    private final NgramSettings ngramSettings;
    private final Map<DrafterMode, SpeculativeDecoder> decoders = new EnumMap<>(DrafterMode.class);

    private Engine(LoadedModel model, EngineSettings settings, VerifyCost verifyCost) {
        this.model = model;
        this.verifyCost = verifyCost;
        SpeculationSettings speculation = settings.speculation();
        this.ngramSettings = settings.ngrams();
        this.ngrams = new NgramTable(ngramSettings.orders());
        this.defaultMode = speculation.enabled() ? ngramSettings.defaultMode() : DrafterMode.NONE;
        Drafter promptLookup = new PromptLookupDrafter(speculation.minNgram(), speculation.maxNgram());
        Drafter shared = new SharedNgramDrafter(ngrams, ngramSettings.minConfidence(), ngramSettings.minCount());
        decoders.put(DrafterMode.NONE, decoder(List.of(Drafter.NONE), speculation.withEnabled(false)));
        decoders.put(DrafterMode.PROMPT_LOOKUP, decoder(List.of(promptLookup), speculation.withEnabled(true)));
        decoders.put(DrafterMode.SHARED_NGRAMS, decoder(List.of(shared), speculation.withEnabled(true)));
        // The shared statistics first: they propose only continuations that held a majority after
        // the same context in past requests, which on repeated work is nearly always right, while
        // prompt lookup copies whatever followed an earlier occurrence of the suffix, right or not.
        // On text the statistics have not seen they propose nothing and prompt lookup drafts. An
        // earlier rule that let the longer of the two drafts win let prompt lookup's long wrong
        // drafts through.
        decoders.put(DrafterMode.COMBINED, decoder(List.of(shared, promptLookup), speculation.withEnabled(true)));
    }

    public static Engine start(EngineSettings settings) {
        LoadedModel model = LoadedModel.load(settings.modelDirectory(), settings.session());
        try {
            VerifyCost cost = settings.calibrationRounds() > 0
                    ? VerifyCost.measure(
                            model.target(),
                            settings.speculation().maxDraftTokens(),
                            Math.min(CALIBRATION_CONTEXT_TOKENS, model.target().contextLength() / 2),
                            settings.calibrationRounds())
                    : VerifyCost.linear(settings.speculation().maxDraftTokens(), settings.verifyCostPerToken());
            log.info("Verify cost {} ({})", cost, settings.calibrationRounds() > 0 ? "measured" : "configured");
            if (cost.relative(1) > EXPENSIVE_VERIFY) {
                log.warn(
                        "A 2-token verify pass costs {}x a 1-token pass on this model, so speculation can rarely pay;"
                                + " models with fast multi-token kernels (for example int4 MatMulNBits with"
                                + " accuracy_level 4) speculate far better",
                        String.format("%.2f", cost.relative(1)));
            }
            return new Engine(model, settings, cost);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private SpeculativeDecoder decoder(List<Drafter> drafters, SpeculationSettings speculation) {
        return new SpeculativeDecoder(
                model.target(), model.tokenizer(), model.endTokenIds(), drafters, speculation, verifyCost);
    }

    public int[] encode(String prompt) {
        return model.tokenizer().encode(prompt);
    }

    public GenerationRequest request(String prompt, int maxTokens, SamplingParams sampling, List<String> stop) {
        return new GenerationRequest(encode(prompt), maxTokens, sampling, stop);
    }

    /** Generates with the default drafter when {@code speculate}, else with the plain one-token loop. */
    public Completion generate(GenerationRequest request, boolean speculate, TokenStreamListener listener) {
        return generate(request, speculate ? defaultMode : DrafterMode.NONE, listener);
    }

    public Completion generate(GenerationRequest request, DrafterMode mode, TokenStreamListener listener) {
        return decoders.get(mode).generate(request, listener);
    }

    public NgramSettings ngramSettings() {
        return ngramSettings;
    }

    public DrafterMode defaultMode() {
        return defaultMode;
    }

    /** The shared n-gram statistics the drafters read; the worker's global store fills it. */
    public NgramTable ngrams() {
        return ngrams;
    }

    public LoadedModel model() {
        return model;
    }

    public VerifyCost verifyCost() {
        return verifyCost;
    }

    public Path modelDirectory() {
        return model.directory();
    }

    @Override
    public void close() {
        model.close();
    }
}
