package io.specops.bench;

import java.util.List;

/** A named set of prompts (as token ids) run with the same settings. */
public record Workload(String name, String description, List<int[]> prompts, int maxTokens) {

    public Workload {
        prompts = List.copyOf(prompts);
    }
}
