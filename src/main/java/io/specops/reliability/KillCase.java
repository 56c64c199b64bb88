package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import io.specops.reliability.OutputSnapshot.Chunk;
import io.specops.reliability.OutputSnapshot.Terminal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Case 1: {@code kill -9} a worker of a group while it generates, several times, and
 * check that nothing is lost, nothing is answered twice differently, and every text is the
 * engine's own. Each round sends a burst, waits until a quarter of it is answered (so every worker
 * has work in flight and in its queue), kills the worker with the most of the burst left (a worker
 * chosen by the seed when that cannot be told yet) as soon as it is seen streaming a request, and
 * starts a replacement.
 */
public final class KillCase {

    /**
     * @param workerSettings extra worker settings, for example a shorter {@code kafka.session.timeout.ms}
     *     so a killed member leaves the group sooner
     */
    public record Settings(
            long seed,
            int workers,
            int rounds,
            int promptsPerRound,
            int maxTokens,
            Map<String, String> workerSettings) {
        public Settings {
            workerSettings = Map.copyOf(workerSettings);
        }
    }

    private KillCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        CaseTopics topics = CaseTopics.of("kill-" + settings.seed());
        topics.create(bootstrapServers, Map.of());
        List<PromptSpec> prompts = Driver.prompts(
                topics.prefix(), settings.seed(), settings.rounds() * settings.promptsPerRound(), settings.maxTokens());
        Map<String, String> workerSettings = new HashMap<>(topics.workerSettings());
        workerSettings.put("worker.generation.threads", "1");
        workerSettings.putAll(settings.workerSettings());
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<Long> killTimes = new ArrayList<>();
        List<String> killed = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (WorkerFleet fleet = new WorkerFleet(bootstrapServers, directory, workerSettings);
                Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of());
                Progress progress = new Progress(bootstrapServers, topics.topics(), Map.of())) {
            Map<String, String> expected =
                    fleet.startAll(settings.workers(), () -> Verifier.expectedText(engine, prompts));
            for (int round = 0; round < settings.rounds(); round++) {
                List<PromptSpec> burst =
                        prompts.subList(round * settings.promptsPerRound(), (round + 1) * settings.promptsPerRound());
                Set<String> ids = new HashSet<>();
                burst.forEach(p -> ids.add(p.requestId()));
                List<Driver.Sent> sent = driver.send(burst);
                progress.await(ids, Math.max(1, burst.size() / 4), Duration.ofMinutes(2));
                List<String> alive = fleet.alive();
                // A worker whose share of the burst is already done would be killed idle.
                String victim =
                        progress.busiestOf(alive, sent).orElseGet(() -> alive.get(random.nextInt(alive.size())));
                boolean streaming = progress.awaitStreaming(victim, sent, Duration.ofSeconds(10));
                long roundStart = System.nanoTime();
                killTimes.add(System.currentTimeMillis());
                fleet.kill(victim);
                killed.add(victim);
                OptionalInt exit = fleet.awaitExit(victim, Duration.ofSeconds(10));
                lines.add("round " + (round + 1) + ": killed " + victim + (streaming ? " while it streamed," : "")
                        + " with "
                        + progress.answered(ids) + "/" + ids.size() + " of its burst answered; exit code "
                        + (exit.isPresent() ? exit.getAsInt() : "none"));
                String replacement = fleet.start();
                fleet.awaitRunning(replacement, 1, Duration.ofMinutes(2));
                progress.await(ids, ids.size(), Duration.ofMinutes(3));
                lines.add("round " + (round + 1) + ": replacement " + replacement + " running and the burst answered "
                        + seconds((System.nanoTime() - roundStart) / 1_000_000) + " after the kill");
            }
            Set<String> missing = OutputSnapshot.awaitTerminals(
                    bootstrapServers, topics.topics(), Map.of(), expected.keySet(), Duration.ofMinutes(2));
            Thread.sleep(1000); // the last chunks may trail their terminal records by a punctuation
            OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
            Verifier.Report report = Verifier.check(snapshot, new Verifier.Expectations(expected, Map.of()));
            List<String> failover = failover(snapshot, killTimes);
            lines.addAll(failover);
            lines.add("workers killed: " + killed + "; still missing at the deadline: " + missing.size());
            boolean hit = report.retried() > 0;
            if (!hit) {
                lines.add("no request was re-run: the kills hit no work in flight, so this run proves nothing");
            }
            lines.addAll(report.lines());
            return new CaseResult(
                    "case 1: kill -9 a worker mid-generation (" + settings.workers() + " workers, "
                            + settings.rounds() + " kills, " + prompts.size() + " prompts of " + settings.maxTokens()
                            + " tokens)",
                    lines,
                    report.delivered() && hit,
                    report);
        }
    }

    /**
     * Per kill: the requests it interrupted (output of an attempt before the kill, no terminal record
     * before it, a later attempt after it), how long until the first of them streamed again, and how
     * long until the last of them was answered.
     */
    static List<String> failover(OutputSnapshot snapshot, List<Long> killTimes) {
        List<String> lines = new ArrayList<>();
        Map<String, Long> answeredAt = new HashMap<>();
        for (Terminal terminal : snapshot.terminals()) {
            answeredAt.merge(terminal.requestId(), terminal.timestampMillis(), Math::min);
        }
        for (int k = 0; k < killTimes.size(); k++) {
            long kill = killTimes.get(k);
            long next = k + 1 < killTimes.size() ? killTimes.get(k + 1) : Long.MAX_VALUE;
            // Requests streaming when the kill came: output before it, no answer before it.
            Set<String> streaming = new HashSet<>();
            for (Chunk chunk : snapshot.chunks()) {
                if (chunk.timestampMillis() < kill && answeredAt.getOrDefault(chunk.requestId(), 0L) > kill) {
                    streaming.add(chunk.requestId());
                }
            }
            // A run starts at seq 0, whether the new owner re-runs the stored entry (attempt + 1) or
            // the replayed input (attempt 0, when the entry had not been committed yet).
            Set<String> interrupted = new HashSet<>();
            long firstResume = Long.MAX_VALUE;
            for (Chunk chunk : snapshot.chunks()) {
                if (streaming.contains(chunk.requestId())
                        && chunk.seq() == 0
                        && chunk.timestampMillis() >= kill
                        && chunk.timestampMillis() < next) {
                    interrupted.add(chunk.requestId());
                    firstResume = Math.min(firstResume, chunk.timestampMillis());
                }
            }
            long lastAnswer = 0;
            for (String id : interrupted) {
                lastAnswer = Math.max(lastAnswer, answeredAt.get(id));
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "kill %d: %d requests interrupted mid-generation; failover (kill to first re-run chunk) %s;"
                            + " last interrupted request answered after %s",
                    k + 1,
                    interrupted.size(),
                    firstResume == Long.MAX_VALUE ? "n/a" : seconds(firstResume - kill),
                    interrupted.isEmpty() ? "n/a" : seconds(lastAnswer - kill)));
        }
        return lines;
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
