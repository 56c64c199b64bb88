package io.specops.reliability;

import io.specops.bench.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Worker processes of one consumer group, each a child JVM with its own state directory and log
 * file, that a reliability case starts, stops with SIGTERM and kills with SIGKILL. A worker that is
 * killed leaves its state directory locked and stale, as a crashed pod's volume would be; its
 * replacement starts under a new id with a new directory.
 */
public final class WorkerFleet implements AutoCloseable {

    private static final Pattern RUNNING = Pattern.compile("Kafka Streams \\w+ -> RUNNING");
    private static final Pattern REBALANCING = Pattern.compile("Kafka Streams \\w+ -> REBALANCING");
    private static final Pattern TRANSITION =
            Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*Kafka Streams (\\w+) -> (\\w+)");

    private final String bootstrapServers;
    private final Path directory;
    private final Map<String, String> settings;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final Map<String, WorkerProcess> workers = new LinkedHashMap<>();
    private final Map<String, Path> logs = new HashMap<>();
    private int started;
    private final long createdMillis = System.currentTimeMillis();

    /**
     * @param settings worker settings every worker gets ({@code --set}), on top of the application id,
     *     worker id, state directory and a disabled metrics port, which the fleet sets
     */
    public WorkerFleet(String bootstrapServers, Path directory, Map<String, String> settings) {
        this(bootstrapServers, directory, settings, List.of(), Map.of());
    }

    /**
     * @param jvmOptions options of every worker's JVM, for example a heap limit
     * @param environment variables every worker gets, for settings that must stay off the command line
     */
    public WorkerFleet(
            String bootstrapServers,
            Path directory,
            Map<String, String> settings,
            List<String> jvmOptions,
            Map<String, String> environment) {
        this.bootstrapServers = bootstrapServers;
        this.directory = directory;
        this.settings = Map.copyOf(settings);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
    }

    /** Starts one more worker; returns its id. */
    public String start() throws IOException {
        return start(Map.of());
    }

    /** Starts one more worker with {@code extra} settings on top of the fleet's; returns its id. */
    public String start(Map<String, String> extra) throws IOException {
        String id = "worker-" + (++started);
        Map<String, String> own = new HashMap<>();
        own.put("worker.id", id);
        own.put("worker.state.dir", directory.resolve(id).toString());
        own.put("metrics.port", "-1");
        own.putAll(settings);
        own.putAll(extra);
        Files.createDirectories(directory);
        Path log = directory.resolve(id + ".log");
        workers.put(id, WorkerProcess.start(bootstrapServers, own, log, jvmOptions, environment));
        logs.put(id, log);
        return id;
    }

    /**
     * Starts {@code count} workers, computes {@code whileLoading} while they load their models (the
     * engine's own text for every prompt, say), and returns it once every worker of the fleet has
     * reached RUNNING.
     */
    public <T> T startAll(int count, Supplier<T> whileLoading) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            start();
        }
        T value = whileLoading.get();
        awaitAllRunning();
        return value;
    }

    /** Waits until every worker started so far has reached RUNNING, up to two minutes each. */
    public void awaitAllRunning() throws InterruptedException {
        for (String id : ids()) {
            awaitRunning(id, 1, Duration.ofMinutes(2));
        }
    }

    /** Ids of the workers still running, oldest first. */
    public List<String> alive() {
        return workers.entrySet().stream()
                .filter(e -> e.getValue().alive())
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Waits until the worker has logged that Kafka Streams is RUNNING at least {@code times} times. */
    public void awaitRunning(String id, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(id, RUNNING) < times) {
            WorkerProcess worker = workers.get(id);
            if (!worker.alive()) {
                throw new IllegalStateException(
                        id + " exited with " + worker.exitCode() + " before RUNNING:\n" + tail(id, 30));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(id + " not RUNNING within " + timeout + ":\n" + tail(id, 30));
            }
            Thread.sleep(50);
        }
    }

    /** The worker's process id, for tools that inspect it ({@code /proc}, {@code jcmd}). */
    public long pid(String id) {
        return workers.get(id).pid();
    }

    public void kill(String id) {
        workers.get(id).kill();
    }

    public void terminate(String id) {
        workers.get(id).terminate();
    }

    public OptionalInt awaitExit(String id, Duration timeout) throws InterruptedException {
        return workers.get(id).awaitExit(timeout);
    }

    /** How often the worker's Kafka Streams entered REBALANCING, by its log. */
    public int rebalances(String id) {
        return count(id, REBALANCING);
    }

    /** A Kafka Streams state change that a worker logged, at the time of its log line. */
    public record Transition(String workerId, long atMillis, String from, String to) {}

    /** The worker's Kafka Streams state changes, in the order it logged them. */
    public List<Transition> transitions(String id) {
        List<Transition> transitions = new ArrayList<>();
        for (String line : log(id).lines().toList()) {
            Matcher matcher = TRANSITION.matcher(line);
            if (matcher.find()) {
                transitions.add(new Transition(
                        id, epochMillis(LocalTime.parse(matcher.group(1))), matcher.group(2), matcher.group(3)));
            }
        }
        return transitions;
    }

    /** Every worker's state changes, oldest first. */
    public List<Transition> transitions() {
        List<Transition> all = new ArrayList<>();
        workers.keySet().forEach(id -> all.addAll(transitions(id)));
        all.sort(Comparator.comparingLong(Transition::atMillis));
        return all;
    }

    /**
     * A log line carries the time of day only: it belongs to the day that puts it after the fleet
     * was created, less a minute for clocks read at slightly different moments.
     */
    private long epochMillis(LocalTime time) {
        ZonedDateTime created = Instant.ofEpochMilli(createdMillis).atZone(ZoneId.systemDefault());
        ZonedDateTime at = created.with(time);
        if (at.toInstant().toEpochMilli() < createdMillis - 60_000) {
            at = at.plusDays(1);
        }
        return at.toInstant().toEpochMilli();
    }

    /** Times each worker logged a line matching {@code pattern}. */
    public int count(String id, Pattern pattern) {
        return (int)
                log(id).lines().filter(line -> pattern.matcher(line).find()).count();
    }

    public String log(String id) {
        try {
            return Files.readString(logs.get(id), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tail(String id, int lines) {
        List<String> all = log(id).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public List<String> ids() {
        return new ArrayList<>(workers.keySet());
    }

    /** SIGTERM to every worker still running, each given a minute to exit. */
    @Override
    public void close() {
        workers.values().forEach(WorkerProcess::terminate);
        workers.values().forEach(WorkerProcess::close);
    }
}
