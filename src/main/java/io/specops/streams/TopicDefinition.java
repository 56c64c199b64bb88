package io.specops.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One topic as defined in the repository's {@code topics/} folder (packaged as classpath resources):
 * name, partitions, replication, topic configuration and the JSON Schemas of key and value.
 */
public record TopicDefinition(
        String file,
        String name,
        int partitions,
        short replicationFactor,
        Map<String, String> config,
        JsonNode keySchema,
        JsonNode valueSchema) {

    public TopicDefinition {
        config = Map.copyOf(config);
    }

    /** The definition files, by role. */
    public static final String PROMPTS = "prompts.json";

    public static final String CHUNKS = "chunks.json";
    public static final String COMPLETIONS = "completions.json";
    public static final String METRICS = "metrics.json";
    public static final String PROMPTS_DLQ = "prompts.dlq.json";
    public static final String NGRAM_DELTAS = "ngram-deltas.json";
    public static final String NGRAMS = "ngrams.json";

    public static TopicDefinition load(String file) {
        try (InputStream in = TopicDefinition.class.getResourceAsStream("/topics/" + file)) {
            if (in == null) {
                throw new IllegalStateException("topic definition topics/" + file + " is missing from the classpath");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, String> config = new LinkedHashMap<>();
            root.path("config")
                    .properties()
                    .forEach(
                            entry -> config.put(entry.getKey(), entry.getValue().asText()));
            return new TopicDefinition(
                    file,
                    root.path("name").asText(),
                    root.path("partitions").asInt(1),
                    (short) root.path("replication_factor").asInt(1),
                    Map.copyOf(config),
                    root.path("key_schema"),
                    root.path("value_schema"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topics/" + file, e);
        }
    }

    public NewTopic toNewTopic(int partitionsOverride, short replicationOverride) {
        return new NewTopic(
                        name,
                        partitionsOverride > 0 ? partitionsOverride : partitions,
                        replicationOverride > 0 ? replicationOverride : replicationFactor)
                .configs(config);
    }
}
