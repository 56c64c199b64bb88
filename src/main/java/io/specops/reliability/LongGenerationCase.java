package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import io.specops.reliability.OutputSnapshot.Chunk;
import io.specops.reliability.OutputSnapshot.Terminal;
import io.specops.reliability.WorkerFleet.Transition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Case 5: generations that last about a minute each, on a group that has settled, must cause no
 * rebalance: the stream thread hands every prompt to the decoding threads and goes on polling, so
 * no Kafka timeout may notice how long a generation takes. The workers run the engine's model, with
 * plain decoding (the slowest way the worker decodes). No model here takes a minute over one
 * generation alone, so a generation is stretched the way a loaded worker stretches it: several
 * generation threads per worker, all busy at once, sharing the machine's cores. The long version
 * uses the random-weight test model, whose generations never end early and run to its 2048-token
 * context; the bundled stories model ends its stories within 500 tokens, and it would take
 * hundreds of threads per worker, which starve the stream thread of the CPU it needs to take on
 * prompts. Run once with the worker's Kafka settings and, for contrast, once with {@link
 * #KAFKA_DEFAULTS}.
 */
public final class LongGenerationCase {

    /**
     * Kafka's own defaults for every Kafka Streams, consumer and producer setting that the worker
     * sets itself (Kafka Streams 4.4: {@code poll.ms} 100, {@code commit.interval.ms} 30000 under
     * at-least-once, its consumer's {@code max.poll.records} 1000 and producer's {@code linger.ms}
     * 100; the consumer's {@code session.timeout.ms} 45000, {@code max.poll.interval.ms} 300000 and
     * {@code fetch.max.wait.ms} 500), as worker settings.
     */
    public static final Map<String, String> KAFKA_DEFAULTS = Map.of(
            "kafka.poll.ms", "100",
            "kafka.commit.interval.ms", "30000",
            "kafka.consumer.max.poll.records", "1000",
            "kafka.consumer.max.poll.interval.ms", "300000",
            "kafka.consumer.fetch.max.wait.ms", "500",
            "kafka.consumer.session.timeout.ms", "45000",
            "kafka.producer.linger.ms", "100",
            "kafka.producer.acks", "all");

    /**
     * @param label names the run and its topics, e.g. {@code worker-settings}
     * @param promptsPerWorker prompts sent at once, per worker; each worker runs them all at once
     */
    public record Settings(
            String label,
            long seed,
            int workers,
            int promptsPerWorker,
            int maxTokens,
            Map<String, String> workerSettings) {
        public Settings {
            workerSettings = Map.copyOf(workerSettings);
        }
    }

    /** How long no member may have changed state before the group counts as settled. */
    private static final Duration SETTLED = Duration.ofSeconds(5);

    private LongGenerationCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        CaseTopics topics = CaseTopics.of("long-" + settings.label() + "-" + settings.seed());
        topics.create(bootstrapServers, Map.of());
        int count = settings.workers() * settings.promptsPerWorker();
        List<PromptSpec> prompts =
                Driver.prompts(topics.prefix(), settings.seed(), count, settings.maxTokens()).stream()
                        .map(prompt -> prompt.withDrafter("none"))
                        .toList();
        Map<String, String> workerSettings = new TreeMap<>(topics.workerSettings());
        // Keys land unevenly on partitions: room for every prompt on one worker (up to the setting's
        // limit of 256), so that none waits for a decoding thread.
        workerSettings.put("worker.generation.threads", Integer.toString(Math.min(256, count)));
        workerSettings.put("model.dir", engine.modelDirectory().toAbsolutePath().toString());
        workerSettings.put("limits.max.tokens", Integer.toString(Math.max(2048, settings.maxTokens())));
        workerSettings.putAll(settings.workerSettings());
        List<String> lines = new ArrayList<>();
        try (WorkerFleet fleet = new WorkerFleet(bootstrapServers, directory, workerSettings);
                Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of());
                Progress progress = new Progress(bootstrapServers, topics.topics(), Map.of())) {
            Map<String, String> expected =
                    fleet.startAll(settings.workers(), () -> Verifier.expectedText(engine, prompts));
            long settled = awaitSettled(fleet, Duration.ofMinutes(2));
            List<Driver.Sent> sent = driver.send(prompts);
            boolean answered = progress.await(new HashSet<>(expected.keySet()), count, Duration.ofMinutes(15));
            long end = System.currentTimeMillis();
            OutputSnapshot.awaitTerminals(
                    bootstrapServers, topics.topics(), Map.of(), expected.keySet(), Duration.ofMinutes(1));
            Thread.sleep(1000);
            OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
            Verifier.Report report = Verifier.check(snapshot, new Verifier.Expectations(expected, Map.of()));

            Map<String, Integer> unplanned = new TreeMap<>();
            List<String> changes = new ArrayList<>();
            boolean failedState = false;
            for (Transition t : fleet.transitions()) {
                failedState |= t.to().equals("ERROR") || t.to().equals("PENDING_ERROR");
                if (t.atMillis() >= settled && t.atMillis() <= end) {
                    changes.add(t.workerId() + " " + t.from() + " -> " + t.to() + " at "
                            + KillCase.seconds(t.atMillis() - settled));
                    if (t.to().equals("REBALANCING")) {
                        unplanned.merge(t.workerId(), 1, Integer::sum);
                    }
                }
            }
            int rebalances =
                    unplanned.values().stream().mapToInt(Integer::intValue).sum();
            lines.add("Kafka settings: " + settings.label() + " " + new TreeMap<>(settings.workerSettings()));
            lines.add(generations(snapshot, sent));
            lines.add("unplanned rebalances (entries into REBALANCING once the group had settled): " + rebalances + " "
                    + unplanned);
            lines.add("members' state changes while generating: " + (changes.isEmpty() ? "none" : changes));
            lines.add("all answered within the deadline: " + answered + "; answered " + KillCase.seconds(end - settled)
                    + " after the prompts were sent");
            lines.addAll(report.lines());
            return new CaseResult(
                    "case 5: generations of about a minute, " + settings.label() + " (" + settings.workers()
                            + " workers, " + settings.promptsPerWorker() + " generations at once on each)",
                    lines,
                    report.delivered() && rebalances == 0 && !failedState,
                    report);
        }
    }

    /**
     * Waits until every worker is RUNNING and none has changed state for {@link #SETTLED}: the
     * rebalances of the group forming are over. Returns that moment.
     */
    private static long awaitSettled(WorkerFleet fleet, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            List<Transition> all = fleet.transitions();
            long now = System.currentTimeMillis();
            boolean running = fleet.ids().stream().allMatch(id -> {
                List<Transition> own = fleet.transitions(id);
                return !own.isEmpty() && own.get(own.size() - 1).to().equals("RUNNING");
            });
            long last = all.isEmpty() ? 0 : all.get(all.size() - 1).atMillis();
            if (running && now - last >= SETTLED.toMillis()) {
                return now;
            }
            if (now > deadline) {
                throw new IllegalStateException("the group did not settle within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /**
     * How long the final attempt of each request ran: from the moment a decoding thread took it (the
     * send time plus the queue time of its metrics record) to its terminal record, and from its first
     * chunk to its terminal record.
     */
    private static String generations(OutputSnapshot snapshot, List<Driver.Sent> sent) {
        Map<String, Long> answeredAt = new HashMap<>();
        Map<String, Integer> finalAttempt = new HashMap<>();
        for (Terminal terminal : snapshot.terminals()) {
            answeredAt.putIfAbsent(terminal.requestId(), terminal.timestampMillis());
            finalAttempt.merge(terminal.requestId(), terminal.attempt(), Math::max);
        }
        Map<String, Long> firstChunk = new HashMap<>();
        Map<String, Integer> tokens = new HashMap<>();
        for (Chunk chunk : snapshot.chunks()) {
            if (chunk.attempt() == finalAttempt.getOrDefault(chunk.requestId(), -1)) {
                firstChunk.merge(chunk.requestId(), chunk.timestampMillis(), Math::min);
                tokens.merge(chunk.requestId(), chunk.tokenOffset() + chunk.tokenCount(), Math::max);
            }
        }
        List<Double> streaming = new ArrayList<>();
        firstChunk.forEach((id, start) -> {
            if (answeredAt.containsKey(id)) {
                streaming.add((answeredAt.get(id) - start) / 1000.0);
            }
        });
        streaming.sort(Double::compare);
        Map<String, Long> sentAt = new HashMap<>();
        sent.forEach(s -> sentAt.put(s.key(), s.sentAtMillis()));
        List<Double> decoding = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (OutputSnapshot.Metrics metrics : snapshot.metrics()) {
            String id = metrics.requestId();
            if (answeredAt.containsKey(id) && sentAt.containsKey(id) && seen.add(id)) {
                decoding.add((answeredAt.get(id) - sentAt.get(id) - metrics.queueMillis()) / 1000.0);
            }
        }
        decoding.sort(Double::compare);
        List<Double> counts = new ArrayList<>();
        tokens.values().forEach(t -> counts.add(t.doubleValue()));
        counts.sort(Double::compare);
        Set<Integer> attempts = new HashSet<>(finalAttempt.values());
        return String.format(
                Locale.ROOT,
                "generations: %d of %.0f / %.0f / %.0f tokens (min / median / max), lasting %.1f / %.1f / %.1f s"
                        + " from decoding start and %.1f / %.1f / %.1f s from first chunk to completion;"
                        + " final attempts %s",
                decoding.size(),
                Verifier.percentile(counts, 0),
                Verifier.percentile(counts, 0.5),
                Verifier.percentile(counts, 1),
                Verifier.percentile(decoding, 0),
                Verifier.percentile(decoding, 0.5),
                Verifier.percentile(decoding, 1),
                Verifier.percentile(streaming, 0),
                Verifier.percentile(streaming, 0.5),
                Verifier.percentile(streaming, 1),
                attempts);
    }
}
