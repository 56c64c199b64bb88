package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import io.specops.reliability.OutputPauses.Pause;
import io.specops.reliability.WorkerFleet.Transition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Case 2: workers join and leave the group one at a time while prompts arrive at a steady rate.
 * One worker takes the load first; every step one more joins until there are {@code maxWorkers},
 * then one leaves (SIGTERM, as a scale-down sends it) every step until one is left. Every prompt
 * must be answered with the engine's text; the case counts the rebalances each membership change
 * caused and measures the longest pause in output (no record written while a prompt was owed one).
 */
public final class ScaleCase {

    /** @param promptsPerSecond the steady rate of the load, for the whole schedule */
    public record Settings(
            long seed,
            int maxWorkers,
            Duration step,
            double promptsPerSecond,
            int maxTokens,
            Map<String, String> workerSettings) {
        public Settings {
            if (maxWorkers < 2) {
                throw new IllegalArgumentException("maxWorkers must be at least 2, got " + maxWorkers);
            }
            workerSettings = Map.copyOf(workerSettings);
        }

        /** One step with each fleet size on the way up and on the way down: 1, 2, ..., max, ..., 2, 1. */
        private Duration loadTime() {
            return step.multipliedBy(2L * maxWorkers - 1);
        }
    }

    /** A membership change: when it began, and what happened. */
    private record Change(long atMillis, String description) {}

    private static final Set<String> FAILED_STATES = Set.of("ERROR", "PENDING_ERROR");

    private ScaleCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        CaseTopics topics = CaseTopics.of("scale-" + settings.seed());
        topics.create(bootstrapServers, Map.of());
        // More than the load can send: it stops one step after the last worker left.
        int most = (int) (settings.promptsPerSecond()
                * settings.loadTime().plusMinutes(2L * settings.maxWorkers()).toSeconds());
        List<PromptSpec> prompts = Driver.prompts(topics.prefix(), settings.seed(), most, settings.maxTokens());
        Map<String, String> workerSettings = new TreeMap<>(topics.workerSettings());
        workerSettings.put("worker.generation.threads", "1");
        workerSettings.putAll(settings.workerSettings());
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<Change> changes = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        boolean exitsClean = true;
        try (WorkerFleet fleet = new WorkerFleet(bootstrapServers, directory, workerSettings);
                Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of());
                Progress progress = new Progress(bootstrapServers, topics.topics(), Map.of())) {
            String first = fleet.start();
            fleet.awaitRunning(first, 1, Duration.ofMinutes(2));
            List<Driver.Sent> sent;
            Set<String> ids = new HashSet<>();
            long loadEnd;
            try (SteadyLoad load = SteadyLoad.start(driver, prompts, settings.promptsPerSecond())) {
                changes.add(new Change(load.startMillis(), "load starts, " + first + " alone"));
                long next = load.startMillis() + settings.step().toMillis();
                for (int size = 2; size <= settings.maxWorkers(); size++) {
                    sleepUntil(next);
                    long at = System.currentTimeMillis();
                    String added = fleet.start();
                    fleet.awaitRunning(added, 1, Duration.ofMinutes(2));
                    changes.add(new Change(
                            at,
                            "added " + added + " (" + size + " workers; RUNNING after "
                                    + KillCase.seconds(System.currentTimeMillis() - at) + ")"));
                    next = at + settings.step().toMillis();
                }
                while (fleet.alive().size() > 1) {
                    sleepUntil(next);
                    List<String> alive = fleet.alive();
                    String removed = alive.get(random.nextInt(alive.size()));
                    long at = System.currentTimeMillis();
                    fleet.terminate(removed);
                    OptionalInt exit = fleet.awaitExit(removed, Duration.ofMinutes(2));
                    boolean clean =
                            exit.isPresent() && (exit.getAsInt() == SigtermCase.SIGTERM_EXIT || exit.getAsInt() == 0);
                    exitsClean &= clean;
                    changes.add(new Change(
                            at,
                            "removed " + removed + " with SIGTERM (" + (alive.size() - 1) + " workers; exit code "
                                    + (exit.isPresent() ? exit.getAsInt() : "none") + " after "
                                    + KillCase.seconds(System.currentTimeMillis() - at) + ")"));
                    next = at + settings.step().toMillis();
                }
                sleepUntil(next);
                load.stop(Duration.ofMinutes(5));
                sent = load.sent();
                sent.forEach(prompt -> ids.add(prompt.key()));
                progress.await(ids, ids.size(), Duration.ofMinutes(5));
                loadEnd = System.currentTimeMillis();
            }
            Map<String, String> expected = Verifier.expectedText(
                    engine,
                    prompts.stream().filter(p -> ids.contains(p.requestId())).toList());
            OutputSnapshot.awaitTerminals(
                    bootstrapServers, topics.topics(), Map.of(), expected.keySet(), Duration.ofMinutes(2));
            Thread.sleep(1000);
            OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
            Verifier.Report report = Verifier.check(snapshot, new Verifier.Expectations(expected, Map.of()));

            List<Pause> pauses = OutputPauses.of(snapshot, sent);
            List<Transition> transitions = fleet.transitions();
            int rebalances = 0;
            for (int i = 0; i < changes.size(); i++) {
                Change change = changes.get(i);
                long until = i + 1 < changes.size() ? changes.get(i + 1).atMillis() : loadEnd;
                Map<String, Integer> byWorker = new TreeMap<>();
                for (Transition t : transitions) {
                    if (t.to().equals("REBALANCING") && t.atMillis() >= change.atMillis() && t.atMillis() < until) {
                        byWorker.merge(t.workerId(), 1, Integer::sum);
                    }
                }
                int here =
                        byWorker.values().stream().mapToInt(Integer::intValue).sum();
                if (i > 0) {
                    rebalances += here;
                }
                lines.add(change.description() + ": " + here + " entries into REBALANCING " + byWorker
                        + "; longest pause in output until the next change: "
                        + describe(OutputPauses.longest(pauses, change.atMillis(), until)));
            }
            Optional<Pause> longest = OutputPauses.longest(pauses, Long.MIN_VALUE, Long.MAX_VALUE);
            lines.add("rebalances: " + rebalances + " entries into REBALANCING over " + (changes.size() - 1)
                    + " membership changes");
            lines.add("longest pause in output while a prompt was owed one: " + describe(longest)
                    + longest.map(p -> ", "
                                    + KillCase.seconds(
                                            p.startMillis() - changes.get(0).atMillis()) + " into the load")
                            .orElse(""));
            List<Transition> failed = transitions.stream()
                    .filter(t -> FAILED_STATES.contains(t.to()))
                    .toList();
            lines.add("workers that entered ERROR: " + failed.size());
            lines.add(String.format(
                    Locale.ROOT,
                    "load: %d prompts at %.1f per second over %s",
                    sent.size(),
                    settings.promptsPerSecond(),
                    KillCase.seconds(loadEnd - changes.get(0).atMillis())));
            lines.addAll(report.lines());
            return new CaseResult(
                    "case 2: workers added and removed one by one under load (1 to " + settings.maxWorkers()
                            + " and back, a step every "
                            + KillCase.seconds(settings.step().toMillis()) + ", "
                            + settings.maxTokens() + " tokens)",
                    lines,
                    report.delivered() && exitsClean && failed.isEmpty(),
                    report);
        }
    }

    private static String describe(Optional<Pause> pause) {
        return pause.map(p -> KillCase.seconds(p.millis())).orElse("none");
    }

    static void sleepUntil(long millis) throws InterruptedException {
        long wait = millis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
