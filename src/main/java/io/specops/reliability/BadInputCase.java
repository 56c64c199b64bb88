package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.config.SpecOpsConfig;
import io.specops.engine.Engine;
import io.specops.reliability.OutputSnapshot.Terminal;
import io.specops.streams.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Case 6: good prompts with bad records of every {@link BadInput} kind mixed in at seeded
 * positions. No worker may fail, every bad record gets one dead letter (and one failed completion
 * when its request id is readable), every good prompt its engine text, and the good prompts' throughput
 * must stay within a tolerance of a clean run of the same prompts on the same workers' settings.
 * Workers run in this JVM: nothing here needs a process to die.
 */
public final class BadInputCase {

    /** @param tolerance the largest accepted relative drop of good throughput against the clean run */
    public record Settings(long seed, int workers, int goodPrompts, int badPerKind, int maxTokens, double tolerance) {}

    private BadInputCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws InterruptedException {
        // Prompt lookup only: the shared n-gram drafter would learn these prompts in the clean run and
        // draft them better in the mixed one (the workers share this JVM's engine), skewing the comparison.
        List<PromptSpec> prompts = Driver.prompts(
                        "good-" + settings.seed(), settings.seed(), settings.goodPrompts(), settings.maxTokens())
                .stream()
                .map(prompt -> prompt.withDrafter("prompt_lookup"))
                .toList();
        Map<String, String> expected = Verifier.expectedText(engine, prompts);
        List<String> lines = new ArrayList<>();

        Run clean = run(
                bootstrapServers,
                engine,
                directory,
                settings,
                CaseTopics.of("clean-" + settings.seed()),
                prompts,
                Map.of());
        Map<String, BadInput> bad = new HashMap<>();
        for (BadInput kind : BadInput.values()) {
            for (int i = 0; i < settings.badPerKind(); i++) {
                bad.put("bad-" + kind.name().toLowerCase(Locale.ROOT) + "-" + i, kind);
            }
        }
        Run mixed = run(
                bootstrapServers, engine, directory, settings, CaseTopics.of("mixed-" + settings.seed()), prompts, bad);

        Verifier.Report cleanReport = Verifier.check(clean.snapshot, new Verifier.Expectations(expected, Map.of()));
        Verifier.Report report = Verifier.check(mixed.snapshot, new Verifier.Expectations(expected, bad));
        double ratio = mixed.goodPerSecond / clean.goodPerSecond;
        boolean fastEnough = ratio >= 1 - settings.tolerance();
        lines.add(String.format(
                Locale.ROOT,
                "good throughput: clean %.1f/s, with bad input %.1f/s (%.0f%% of clean; must be >= %.0f%%)",
                clean.goodPerSecond,
                mixed.goodPerSecond,
                100 * ratio,
                100 * (1 - settings.tolerance())));
        lines.add("clean run delivered: " + cleanReport.delivered());
        lines.add("bad records: " + bad.size() + " (" + BadInput.values().length + " kinds x " + settings.badPerKind()
                + "); rejected by the workers' counters: " + mixed.rejected);
        lines.add("workers not RUNNING at the end (crashed, replaced or in ERROR): " + mixed.notRunning);
        lines.addAll(report.lines());
        boolean passed = report.delivered()
                && cleanReport.delivered()
                && mixed.notRunning == 0
                && mixed.rejected == bad.size()
                && fastEnough;
        return new CaseResult(
                "case 6: " + settings.goodPrompts() + " good prompts with " + bad.size() + " bad ones mixed in",
                lines,
                passed,
                report);
    }

    private record Run(OutputSnapshot snapshot, double goodPerSecond, long rejected, int notRunning) {}

    private static Run run(
            String bootstrapServers,
            Engine engine,
            Path directory,
            Settings settings,
            CaseTopics topics,
            List<PromptSpec> prompts,
            Map<String, BadInput> bad)
            throws InterruptedException {
        topics.create(bootstrapServers, Map.of());
        List<Worker> workers = new ArrayList<>();
        try (Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of())) {
            for (int i = 1; i <= settings.workers(); i++) {
                Map<String, String> values = new HashMap<>(topics.workerSettings());
                values.put("kafka.bootstrap.servers", bootstrapServers);
                values.put("worker.id", topics.prefix() + "-w" + i);
                values.put(
                        "worker.state.dir",
                        directory.resolve(topics.prefix() + "-w" + i).toString());
                values.put("worker.generation.threads", "1");
                values.put("metrics.port", "-1");
                values.put("limits.prompt.tokens", Integer.toString(BadInput.PROMPT_TOKENS_LIMIT));
                values.put("limits.record.bytes", Integer.toString(BadInput.RECORD_BYTES_LIMIT));
                workers.add(new Worker(SpecOpsConfig.from(values).worker(), engine).start());
            }
            for (Worker worker : workers) {
                worker.awaitRunning(Duration.ofMinutes(2));
            }
            awaitAssigned(workers);

            // Bad records go in at seeded positions among the good ones.
            SplittableRandom random = new SplittableRandom(settings.seed());
            List<String> badIds = new ArrayList<>(new java.util.TreeSet<>(bad.keySet()));
            List<List<String>> badBefore = new ArrayList<>();
            for (int i = 0; i <= prompts.size(); i++) {
                badBefore.add(new ArrayList<>());
            }
            for (String id : badIds) {
                badBefore.get(random.nextInt(prompts.size() + 1)).add(id);
            }
            long firstSent = System.currentTimeMillis();
            for (int i = 0; i <= prompts.size(); i++) {
                for (String id : badBefore.get(i)) {
                    driver.sendRaw(id, bad.get(id).value(id));
                }
                if (i < prompts.size()) {
                    driver.send(List.of(prompts.get(i)));
                }
            }
            Set<String> awaited = new Verifier.Expectations(Map.of(), bad).awaitedTerminals();
            prompts.forEach(p -> awaited.add(p.requestId()));
            OutputSnapshot.awaitTerminals(bootstrapServers, topics.topics(), Map.of(), awaited, Duration.ofMinutes(5));
            Thread.sleep(1000); // trailing chunks and dead letters
            OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
            long lastGood = snapshot.terminals().stream()
                    .filter(t -> !bad.containsKey(t.requestId()))
                    .mapToLong(Terminal::timestampMillis)
                    .max()
                    .orElse(firstSent);
            double perSecond = prompts.size() * 1000.0 / Math.max(1, lastGood - firstSent);
            long rejected =
                    workers.stream().mapToLong(w -> w.counters().rejected.get()).sum();
            int notRunning = (int) workers.stream()
                    .filter(w -> w.state() != KafkaStreams.State.RUNNING)
                    .count();
            return new Run(snapshot, perSecond, rejected, notRunning);
        } finally {
            workers.forEach(Worker::close);
        }
    }

    /** Waits until the workers own all prompt partitions between them, so no rebalance lands in the timing. */
    private static void awaitAssigned(List<Worker> workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            int tasks = workers.stream().mapToInt(Worker::activeTasks).sum();
            boolean all =
                    workers.stream().allMatch(w -> w.activeTasks() > 0 && w.state() == KafkaStreams.State.RUNNING);
            if (tasks >= CaseTopics.PARTITIONS && all) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the workers did not settle on an assignment");
    }
}
