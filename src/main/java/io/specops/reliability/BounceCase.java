package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import io.specops.reliability.OutputPauses.Pause;
import io.specops.reliability.OutputSnapshot.Chunk;
import io.specops.reliability.WorkerFleet.Transition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Case 4: the broker goes away under load and comes back, several times, alternately stopped
 * cleanly (SIGTERM: a controlled shutdown) and killed (SIGKILL: its log directory left as after a
 * crash). The broker runs in a child JVM ({@link BrokerProcess}) so that the kill is real, and comes
 * back on the same data directory and ports. Nothing may be lost, every answer must be the engine's
 * text, and no worker may end in ERROR or exit; per bounce the case measures how long the broker was
 * away and how long after it was back the output resumed. Chunks and completions are stamped with
 * the broker's append time, so that a record written while the broker was away counts from the
 * moment it reached the broker.
 */
public final class BounceCase {

    /**
     * @param bounces broker restarts; odd ones stop the broker cleanly, even ones kill it
     * @param interval load between one bounce's end (broker ready) and the next bounce
     * @param downtime how long the broker stays away after its process ended
     */
    public record Settings(
            long seed,
            int workers,
            int bounces,
            Duration interval,
            Duration downtime,
            double promptsPerSecond,
            int maxTokens,
            Map<String, String> workerSettings) {
        public Settings {
            workerSettings = Map.copyOf(workerSettings);
        }
    }

    /** One bounce: when the fault came, when the process had ended, when the new broker served. */
    private record Bounce(
            int number, boolean killed, long faultMillis, long endedMillis, long readyMillis, OptionalInt exit) {
        String kind() {
            return killed ? "killed (SIGKILL)" : "stopped (SIGTERM)";
        }
    }

    private static final Set<String> FAILED_STATES = Set.of("ERROR", "PENDING_ERROR");
    private static final Pattern THREAD_REPLACED = Pattern.compile("Stream thread failed; replacing it");
    private static final Duration BROKER_START = Duration.ofMinutes(2);

    private BounceCase() {}

    public static CaseResult run(Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        BrokerProcess broker =
                BrokerProcess.start(directory.resolve("broker"), directory.resolve("broker.log"), BROKER_START);
        try {
            String bootstrapServers = broker.bootstrapServers();
            CaseTopics topics = CaseTopics.of("bounce-" + settings.seed());
            topics.create(bootstrapServers, Map.of());
            stampWithAppendTime(
                    bootstrapServers,
                    List.of(topics.topics().chunks(), topics.topics().completions()));
            Map<String, String> workerSettings = new TreeMap<>(topics.workerSettings());
            workerSettings.put("worker.generation.threads", "1");
            workerSettings.putAll(settings.workerSettings());
            // More than the load can send: it is stopped once the last bounce has had its interval.
            Duration longest = settings.interval().plus(Duration.ofMinutes(1)).multipliedBy(settings.bounces() + 1L);
            int most = (int) (settings.promptsPerSecond() * longest.toSeconds());
            List<PromptSpec> prompts = Driver.prompts(topics.prefix(), settings.seed(), most, settings.maxTokens());
            List<Bounce> bounces = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            try (WorkerFleet fleet = new WorkerFleet(bootstrapServers, directory.resolve("workers"), workerSettings);
                    Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of());
                    Progress progress = new Progress(bootstrapServers, topics.topics(), Map.of())) {
                for (int i = 0; i < settings.workers(); i++) {
                    fleet.start();
                }
                fleet.awaitAllRunning();
                List<Driver.Sent> sent;
                try (SteadyLoad load = SteadyLoad.start(driver, prompts, settings.promptsPerSecond())) {
                    long next = load.startMillis() + settings.interval().toMillis();
                    for (int number = 1; number <= settings.bounces(); number++) {
                        ScaleCase.sleepUntil(next);
                        boolean kill = number % 2 == 0;
                        long fault = System.currentTimeMillis();
                        OptionalInt exit =
                                kill ? broker.kill(Duration.ofSeconds(30)) : broker.stop(Duration.ofMinutes(2));
                        long ended = System.currentTimeMillis();
                        if (exit.isEmpty()) {
                            throw new IllegalStateException(
                                    "the broker did not end after it was " + (kill ? "killed" : "stopped"));
                        }
                        Thread.sleep(settings.downtime().toMillis());
                        broker = broker.restart(BROKER_START);
                        long ready = System.currentTimeMillis();
                        bounces.add(new Bounce(number, kill, fault, ended, ready, exit));
                        next = ready + settings.interval().toMillis();
                    }
                    ScaleCase.sleepUntil(next);
                    load.stop(Duration.ofMinutes(5));
                    sent = load.sent();
                }
                Set<String> ids = new HashSet<>();
                sent.forEach(s -> ids.add(s.key()));
                List<PromptSpec> owed = prompts.stream()
                        .filter(p -> ids.contains(p.requestId()))
                        .toList();
                Map<String, String> expected = Verifier.expectedText(engine, owed);
                progress.await(ids, ids.size(), Duration.ofMinutes(5));
                OutputSnapshot.awaitTerminals(bootstrapServers, topics.topics(), Map.of(), ids, Duration.ofMinutes(2));
                Thread.sleep(1000);
                OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
                Verifier.Report report = Verifier.check(snapshot, new Verifier.Expectations(expected, Map.of()));

                List<Pause> pauses = OutputPauses.of(snapshot, sent);
                List<Transition> transitions = fleet.transitions();
                for (int i = 0; i < bounces.size(); i++) {
                    Bounce bounce = bounces.get(i);
                    long until = i + 1 < bounces.size() ? bounces.get(i + 1).faultMillis() : Long.MAX_VALUE;
                    lines.add(describe(bounce, snapshot, pauses, transitions, until));
                }
                List<Transition> failed = transitions.stream()
                        .filter(t -> FAILED_STATES.contains(t.to()))
                        .toList();
                List<String> notRunning = new ArrayList<>();
                int replaced = 0;
                for (String id : fleet.ids()) {
                    List<Transition> own = fleet.transitions(id);
                    boolean running = fleet.alive().contains(id)
                            && !own.isEmpty()
                            && own.get(own.size() - 1).to().equals("RUNNING");
                    if (!running) {
                        notRunning.add(id);
                    }
                    replaced += fleet.count(id, THREAD_REPLACED);
                }
                lines.add("workers that entered ERROR: " + failed.size() + " " + failed);
                lines.add("workers not alive and RUNNING at the end: " + notRunning.size() + " " + notRunning);
                lines.add("stream threads that failed and were replaced: " + replaced);
                lines.add("load: " + sent.size() + " prompts at " + settings.promptsPerSecond() + " per second");
                lines.addAll(report.lines());
                boolean exits = bounces.stream()
                        .allMatch(b -> b.exit().getAsInt() == (b.killed() ? 137 : SigtermCase.SIGTERM_EXIT));
                return new CaseResult(
                        "case 4: broker bounced under load (" + settings.bounces() + " times, alternately stopped and"
                                + " killed; " + settings.workers() + " workers, " + settings.maxTokens() + " tokens)",
                        lines,
                        report.delivered() && failed.isEmpty() && notRunning.isEmpty() && exits,
                        report);
            }
        } finally {
            broker.close();
        }
    }

    private static String describe(
            Bounce bounce,
            OutputSnapshot snapshot,
            List<Pause> pauses,
            List<Transition> transitions,
            long untilMillis) {
        Optional<Chunk> resumed = OutputPauses.firstChunkFrom(snapshot, bounce.readyMillis());
        // The longest stretch without output that the fault was in, or that began while the broker was away.
        Optional<Pause> pause = pauses.stream()
                .filter(p -> p.endMillis() > bounce.faultMillis() && p.startMillis() <= bounce.readyMillis())
                .max(Comparator.comparingLong(Pause::millis));
        Map<String, List<String>> states = new TreeMap<>();
        Map<String, Long> backRunning = new TreeMap<>();
        for (Transition t : transitions) {
            if (t.atMillis() >= bounce.faultMillis() && t.atMillis() < untilMillis) {
                states.computeIfAbsent(t.workerId(), id -> new ArrayList<>()).add(t.to());
                if (t.to().equals("RUNNING")) {
                    backRunning.put(t.workerId(), t.atMillis());
                }
            }
        }
        long lastRunning =
                backRunning.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return "bounce " + bounce.number() + ": broker " + bounce.kind() + ", exit code "
                + bounce.exit().getAsInt() + " after " + KillCase.seconds(bounce.endedMillis() - bounce.faultMillis())
                + "; serving again " + KillCase.seconds(bounce.readyMillis() - bounce.faultMillis())
                + " after the fault; output resumed "
                + resumed.map(c -> KillCase.seconds(c.timestampMillis() - bounce.readyMillis()))
                        .orElse("never")
                + " after that ("
                + resumed.map(c -> KillCase.seconds(c.timestampMillis() - bounce.faultMillis()))
                        .orElse("n/a")
                + " after the fault); longest output pause "
                + pause.map(p -> KillCase.seconds(p.millis())).orElse("none")
                + "; workers' state changes " + (states.isEmpty() ? "none" : states.toString())
                + (states.isEmpty()
                        ? ""
                        : ", all RUNNING again "
                                + (lastRunning == 0 ? "n/a" : KillCase.seconds(lastRunning - bounce.readyMillis()))
                                + " after the broker was ready");
    }

    /** Makes the broker stamp records of {@code topics} with the time it appended them. */
    private static void stampWithAppendTime(String bootstrapServers, Collection<String> topics)
            throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<ConfigResource, Collection<AlterConfigOp>> changes =
                    new TreeMap<>((a, b) -> a.name().compareTo(b.name()));
            for (String topic : topics) {
                changes.put(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(new AlterConfigOp(
                                new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"),
                                AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not set the append-time stamp on " + topics + ": " + e, e);
        }
    }
}
