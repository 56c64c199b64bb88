package io.specops.streams;

import java.util.List;

/** The names of the worker's topics, from {@code topics/} unless the configuration renames them. */
public record Topics(String prompts, String chunks, String completions, String metrics, String promptsDlq) {

    public static Topics defaults() {
        return new Topics(
                TopicDefinition.load(TopicDefinition.PROMPTS).name(),
                TopicDefinition.load(TopicDefinition.CHUNKS).name(),
                TopicDefinition.load(TopicDefinition.COMPLETIONS).name(),
                TopicDefinition.load(TopicDefinition.METRICS).name(),
                TopicDefinition.load(TopicDefinition.PROMPTS_DLQ).name());
    }

    /** Every definition, with the names this configuration uses. */
    public List<TopicDefinition> definitions() {
        return List.of(
                renamed(TopicDefinition.PROMPTS, prompts),
                renamed(TopicDefinition.CHUNKS, chunks),
                renamed(TopicDefinition.COMPLETIONS, completions),
                renamed(TopicDefinition.METRICS, metrics),
                renamed(TopicDefinition.PROMPTS_DLQ, promptsDlq));
    }

    private static TopicDefinition renamed(String file, String name) {
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
