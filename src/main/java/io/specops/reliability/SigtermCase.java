package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import io.specops.reliability.OutputSnapshot.Terminal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Case 3: SIGTERM a worker process while it generates, twice: once with the default
 * drain timeout (its running generations finish before it leaves), once with a drain timeout of 0
 * (they are handed over and re-run by the next owner). Nothing may be lost, the process must end
 * with the JVM's exit code for a completed SIGTERM shutdown (143) or 0, and within the drain timeout
 * plus the 30 s Kafka Streams is given to close.
 */
public final class SigtermCase {

    /** SIGTERM is 15; a JVM whose shutdown hooks all finished exits with 128 + 15. */
    static final int SIGTERM_EXIT = 143;

    public record Settings(long seed, int promptsPerRound, int maxTokens, Map<String, String> workerSettings) {
        public Settings {
            workerSettings = Map.copyOf(workerSettings);
        }
    }

    private SigtermCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        CaseTopics topics = CaseTopics.of("sigterm-" + settings.seed());
        topics.create(bootstrapServers, Map.of());
        List<PromptSpec> prompts =
                Driver.prompts(topics.prefix(), settings.seed(), 2 * settings.promptsPerRound(), settings.maxTokens());
        Map<String, String> workerSettings = new HashMap<>(topics.workerSettings());
        workerSettings.put("worker.generation.threads", "1");
        workerSettings.putAll(settings.workerSettings());
        List<String> lines = new ArrayList<>();
        boolean exitsClean = true;
        List<Long> stopTimes = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        try (WorkerFleet fleet = new WorkerFleet(bootstrapServers, directory, workerSettings);
                Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of());
                Progress progress = new Progress(bootstrapServers, topics.topics(), Map.of())) {
            String draining = fleet.start();
            String handingOver = fleet.start(Map.of("worker.drain.timeout.ms", "0"));
            String survivor = fleet.start();
            Map<String, String> expected = Verifier.expectedText(engine, prompts);
            fleet.awaitAllRunning();
            List<String> victims = List.of(draining, handingOver);
            for (int round = 0; round < victims.size(); round++) {
                List<PromptSpec> burst =
                        prompts.subList(round * settings.promptsPerRound(), (round + 1) * settings.promptsPerRound());
                Set<String> ids = new HashSet<>();
                burst.forEach(p -> ids.add(p.requestId()));
                driver.send(burst);
                progress.await(ids, Math.max(1, burst.size() / 4), Duration.ofMinutes(2));
                String victim = victims.get(round);
                long start = System.nanoTime();
                stopTimes.add(System.currentTimeMillis());
                stopped.add(victim);
                fleet.terminate(victim);
                OptionalInt exit = fleet.awaitExit(victim, Duration.ofMinutes(2));
                long exitMillis = (System.nanoTime() - start) / 1_000_000;
                boolean clean = exit.isPresent() && (exit.getAsInt() == SIGTERM_EXIT || exit.getAsInt() == 0);
                exitsClean &= clean;
                lines.add("SIGTERM to " + victim + (round == 0 ? " (default drain timeout)" : " (drain timeout 0)")
                        + ": exit code " + (exit.isPresent() ? exit.getAsInt() : "none, still running")
                        + " after " + KillCase.seconds(exitMillis) + (clean ? "" : " (not a clean exit)"));
                progress.await(ids, ids.size(), Duration.ofMinutes(3));
            }
            OutputSnapshot.awaitTerminals(
                    bootstrapServers, topics.topics(), Map.of(), expected.keySet(), Duration.ofMinutes(2));
            Thread.sleep(1000);
            OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
            Verifier.Report report = Verifier.check(snapshot, new Verifier.Expectations(expected, Map.of()));
            for (int i = 0; i < stopped.size(); i++) {
                lines.add(afterStop(snapshot, stopped.get(i), stopTimes.get(i)));
            }
            lines.add(
                    "survivor " + survivor + " still running: " + fleet.alive().contains(survivor));
            lines.addAll(report.lines());
            return new CaseResult(
                    "case 3: SIGTERM during generation (" + prompts.size() + " prompts of " + settings.maxTokens()
                            + " tokens, 3 workers, 2 stopped)",
                    lines,
                    report.delivered() && exitsClean,
                    report);
        }
    }

    /** What the stopped worker still finished after SIGTERM, and what others re-ran for it. */
    private static String afterStop(OutputSnapshot snapshot, String worker, long stopMillis) {
        int finishedByIt = 0;
        int reRunElsewhere = 0;
        Map<String, Integer> firstAttempt = new HashMap<>();
        snapshot.chunks().forEach(chunk -> firstAttempt.merge(chunk.requestId(), chunk.attempt(), Math::min));
        for (Terminal terminal : snapshot.terminals()) {
            if (terminal.timestampMillis() < stopMillis) {
                continue;
            }
            if (terminal.workerId().equals(worker)) {
                finishedByIt++;
            } else if (terminal.attempt() > firstAttempt.getOrDefault(terminal.requestId(), terminal.attempt())) {
                reRunElsewhere++;
            }
        }
        return worker + " after SIGTERM: answered " + finishedByIt + " itself; re-runs (a higher attempt) answered by"
                + " other workers since: " + reRunElsewhere;
    }
}
