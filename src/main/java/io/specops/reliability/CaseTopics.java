package io.specops.reliability;

import io.specops.streams.TopicSetup;
import io.specops.streams.Topics;
import java.util.HashMap;
import java.util.Map;

/**
 * Topics and consumer group of one case, named with the case's prefix, so that cases sharing a
 * broker never read each other's records and every verifier can read its topics from the beginning.
 */
public record CaseTopics(String prefix, Topics topics) {

    public static final int PARTITIONS = 6;

    public static CaseTopics of(String prefix) {
        Map<String, String> names = new HashMap<>();
        for (String role : roles()) {
            names.put(role, prefix + "." + role);
        }
        return new CaseTopics(prefix, Topics.renamed(names));
    }

    private static String[] roles() {
        return new String[] {"prompts", "chunks", "completions", "metrics", "prompts.dlq", "ngram.deltas", "ngrams"};
    }

    /** The worker settings that point a worker at these topics and this case's group. */
    public Map<String, String> workerSettings() {
        Map<String, String> settings = new HashMap<>();
        for (String role : roles()) {
            settings.put("topics." + role, prefix + "." + role);
        }
        settings.put("worker.application.id", prefix + "-workers");
        return settings;
    }

    public void create(String bootstrapServers, Map<String, Object> clientConfig) throws InterruptedException {
        TopicSetup.ensure(bootstrapServers, clientConfig, topics, PARTITIONS, (short) 1);
    }
}
