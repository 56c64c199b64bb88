package io.specops.streams;

import java.util.List;
import java.util.Map;

/** The names of the worker's topics, from {@code topics/} unless the configuration renames them. */
public record Topics(
        String prompts,
        String chunks,
        String completions,
        String metrics,
        String promptsDlq,
        String ngramDeltas,
        String ngrams) {

    public static Topics defaults() {
        return renamed(Map.of());
    }

    /**
     * The defaults with overrides by role: {@code prompts}, {@code chunks}, {@code completions},
     * {@code metrics}, {@code prompts.dlq}, {@code ngram.deltas}, {@code ngrams}.
     */
    public static Topics renamed(Map<String, String> names) {
        return new Topics(
                name(names, "prompts", TopicDefinition.PROMPTS),
                name(names, "chunks", TopicDefinition.CHUNKS),
                name(names, "completions", TopicDefinition.COMPLETIONS),
                name(names, "metrics", TopicDefinition.METRICS),
                name(names, "prompts.dlq", TopicDefinition.PROMPTS_DLQ),
                name(names, "ngram.deltas", TopicDefinition.NGRAM_DELTAS),
                name(names, "ngrams", TopicDefinition.NGRAMS));
    }

    private static String name(Map<String, String> names, String role, String file) {
        String name = names.get(role);
        return name != null ? name : TopicDefinition.load(file).name();
    }

    /** Every definition, with the names this configuration uses. */
    public List<TopicDefinition> definitions() {
        return List.of(
                rename(TopicDefinition.PROMPTS, prompts),
                rename(TopicDefinition.CHUNKS, chunks),
                rename(TopicDefinition.COMPLETIONS, completions),
                rename(TopicDefinition.METRICS, metrics),
                rename(TopicDefinition.PROMPTS_DLQ, promptsDlq),
                rename(TopicDefinition.NGRAM_DELTAS, ngramDeltas),
                rename(TopicDefinition.NGRAMS, ngrams));
    }

    private static TopicDefinition rename(String file, String name) {
        TopicDefinition definition = TopicDefinition.load(file);
        return new TopicDefinition(
                file,
                name,
                definition.partitions(),
                definition.replicationFactor(),
                definition.config(),
                definition.keySchema(),
                definition.valueSchema());
    }
}
