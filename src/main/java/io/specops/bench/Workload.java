package io.specops.bench;

import io.specops.decoding.GenerationRequest;
import io.specops.decoding.SamplingParams;
import java.util.List;
import java.util.Locale;

/**
 * A named set of prompts (as token ids) run with the same settings.
 *
 * @param sampling how every prompt samples; a sampled workload gives prompt {@code i} the seed
 *     {@code sampling.seed() + i}
 */
public record Workload(String name, String description, List<int[]> prompts, int maxTokens, SamplingParams sampling) {

    public Workload {
        prompts = List.copyOf(prompts);
    }

    public Workload(String name, String description, List<int[]> prompts, int maxTokens) {
        this(name, description, prompts, maxTokens, SamplingParams.GREEDY);
    }

    /** The same prompts sampled with {@code params}, named {@code <name>-sampled}. */
    public Workload sampled(SamplingParams params) {
        return new Workload(
                name + "-sampled",
                description + String.format(Locale.ROOT, ", sampled at temperature %.1f", params.temperature()),
                prompts,
                maxTokens,
                params);
    }

    /** The request for prompt {@code i}. */
    public GenerationRequest request(int i) {
        SamplingParams params = sampling.greedy()
                ? sampling
                : new SamplingParams(sampling.temperature(), sampling.topP(), sampling.topK(), sampling.seed() + i);
        return new GenerationRequest(prompts.get(i), maxTokens, params, List.of());
    }
}
