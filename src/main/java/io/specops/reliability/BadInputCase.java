package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.config.SpecOpsConfig;
import io.specops.engine.Engine;
import io.specops.reliability.OutputSnapshot.Terminal;
import io.specops.streams.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * @param tolerance the largest accepted relative drop of good throughput against the clean runs
     * @param pairs clean and mixed runs of the same prompts, taking turns at going first; the medians
     *     of the clean and of the mixed throughputs are compared, so one run slowed by other work on
     *     the machine does not decide the figure
     */
    public record Settings(
            long seed, int workers, int goodPrompts, int badPerKind, int maxTokens, double tolerance, int pairs) {}

    private BadInputCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws InterruptedException {
        // Prompt lookup only: the shared n-gram drafter would learn these prompts in one run and draft
        // them better in the next (the workers share this JVM's engine), skewing the comparison.
        List<PromptSpec> prompts = Driver.prompts(
                        "good-" + settings.seed(), settings.seed(), settings.goodPrompts(), settings.maxTokens())
                .stream()
                .map(prompt -> prompt.withDrafter("prompt_lookup"))
                .toList();
        Map<String, String> expected = Verifier.expectedText(engine, prompts);
        Map<String, BadInput> bad = new HashMap<>();
        for (BadInput kind : BadInput.values()) {
            for (int i = 0; i < settings.badPerKind(); i++) {
                bad.put("bad-" + kind.name().toLowerCase(Locale.ROOT) + "-" + i, kind);
            }
        }
        List<String> lines = new ArrayList<>();
        double[] cleanRates = new double[settings.pairs()];
        double[] mixedRates = new double[settings.pairs()];
        boolean cleanDelivered = true;
        boolean mixedHeld = true;
        Verifier.Report firstMixedReport = null;
        for (int pair = 0; pair < settings.pairs(); pair++) {
            String suffix = settings.seed() + "-" + pair;
            // Two runs of each pair, the clean one first in even pairs and second in odd ones.
            Map<String, BadInput> firstBad = pair % 2 == 0 ? Map.of() : bad;
            Map<String, BadInput> secondBad = pair % 2 == 0 ? bad : Map.of();
            Run first =
                    run(bootstrapServers, engine, directory, settings, topicsFor(firstBad, suffix), prompts, firstBad);
            Run second = run(
                    bootstrapServers, engine, directory, settings, topicsFor(secondBad, suffix), prompts, secondBad);
            Run clean = pair % 2 == 0 ? first : second;
            Run mixed = pair % 2 == 0 ? second : first;
            Verifier.Report cleanReport = Verifier.check(clean.snapshot, new Verifier.Expectations(expected, Map.of()));
            Verifier.Report report = Verifier.check(mixed.snapshot, new Verifier.Expectations(expected, bad));
            cleanRates[pair] = clean.goodPerSecond;
            mixedRates[pair] = mixed.goodPerSecond;
            cleanDelivered &= cleanReport.delivered();
            mixedHeld &= report.delivered() && mixed.notRunning == 0 && mixed.rejected == bad.size();
            lines.add(String.format(
                    Locale.ROOT,
                    "pair %d (%s first): good throughput clean %.1f/s, with bad input %.1f/s (%.0f%%); clean run"
                            + " delivered: %s; rejected by the workers' counters: %d of %d; workers not RUNNING at"
                            + " the end (crashed, replaced or in ERROR): %d",
                    pair + 1,
                    pair % 2 == 0 ? "clean" : "mixed",
                    clean.goodPerSecond,
                    mixed.goodPerSecond,
                    100 * mixed.goodPerSecond / clean.goodPerSecond,
                    cleanReport.delivered(),
                    mixed.rejected,
                    bad.size(),
                    mixed.notRunning));
            if (firstMixedReport == null) {
                firstMixedReport = report;
            } else if (!report.delivered()) {
                lines.addAll(report.lines());
            }
        }
        double ratio = median(mixedRates) / median(cleanRates);
        boolean fastEnough = ratio >= 1 - settings.tolerance();
        lines.add(String.format(
                Locale.ROOT,
                "good throughput, medians of %d runs each: clean %.1f/s, with bad input %.1f/s (%.0f%% of clean;"
                        + " must be >= %.0f%%)",
                settings.pairs(),
                median(cleanRates),
                median(mixedRates),
                100 * ratio,
                100 * (1 - settings.tolerance())));
        lines.add("bad records per mixed run: " + bad.size() + " (" + BadInput.values().length + " kinds x "
                + settings.badPerKind() + "); the verifier on the first mixed run:");
        lines.addAll(firstMixedReport.lines());
        return new CaseResult(
                "case 6: " + settings.goodPrompts() + " good prompts with " + bad.size() + " bad ones mixed in, "
                        + settings.pairs() + " clean and " + settings.pairs() + " mixed runs",
                lines,
                cleanDelivered && mixedHeld && fastEnough,
                firstMixedReport);
    }

    private static CaseTopics topicsFor(Map<String, BadInput> bad, String suffix) {
        return CaseTopics.of((bad.isEmpty() ? "clean-" : "mixed-") + suffix);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
