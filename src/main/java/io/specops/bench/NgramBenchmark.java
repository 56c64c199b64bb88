package io.specops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.specops.client.CompletionHandle;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.kafka.EmbeddedKafka;
import io.specops.streams.TopicSetup;
import io.specops.streams.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.io.file.PathUtils;

/**
 * Repeated and templated work through a real broker: the same prompts come back pass after pass
 * under new session ids, and each is decoded three ways (plain, prompt lookup only, prompt lookup
 * plus the shared n-gram store). After the passes the worker is replaced by a new one with an empty
 * state directory, which must get the statistics back from Kafka, and one more pass runs. Before
 * pass 1, untimed rounds of other prompts warm the JIT (see {@link #WARM_UP_ROUNDS}).
 *
 * <p>The worker runs in a process of its own, as in production, and the broker and the client in
 * this one. A speculative request of 256 tokens takes about 20 ms, so when the broker shared the
 * worker's JVM, one of its garbage-collection pauses (6-26 ms, about every 1.3 s) could stretch a
 * request by as much again and move one pass's figure by tens of percent.
 */
public final class NgramBenchmark {

    private static final String PLAIN = "none";
    private static final String PROMPT_LOOKUP = "prompt_lookup";
    private static final String SHARED_STORE = "combined";
    /** The modes in the order of the report's columns. */
    private static final List<String> MODES = List.of(PLAIN, PROMPT_LOOKUP, SHARED_STORE);

    /**
     * Untimed rounds over {@link #WARM_UP_PROMPTS} in every mode before pass 1 and before the pass
     * after the restart (a new worker process), so that neither also times the JIT compiling the
     * decode path. They do not make the passes level: with three rounds, plain tokens/s still rose
     * from about 1400 in pass 2 to 1700-2400 in later passes in runs on the 2-core machine, and eight
     * did no better in a 4-pass comparison; the README's runs used eight. These prompts are not in either workload, but the store learns their n-grams
     * too, so pass 1 starts from a store that knows some story text, not from none.
     */
    static final int WARM_UP_ROUNDS = 8;

    /** Story openers neither workload uses (the workloads take the first 20). */
    private static final List<String> WARM_UP_PROMPTS = Workloads.storyOpeners().subList(20, 30);

    /** A passage every templated prompt starts with, as prompts built from one template do. */
    private static final String TEMPLATE = "Once upon a time, there was a little girl named Lily. She loved to play"
            + " outside in the park with her friends. One day, she saw a big red ball under a tree. ";

    /**
     * Figures of one decoding mode in one pass.
     *
     * @param requestMillis each request's generation time, in the pass's prompt order, for finding
     *     the requests that moved a pass's figure
     * @param requestDraftMillis each request's time in the drafters, in the same order
     */
    public record ModeResult(
            String drafter,
            int requests,
            long generatedTokens,
            double totalMillis,
            double tokensPerSecond,
            double acceptanceRate,
            double meanAcceptanceLength,
            double draftShareOfTime,
            List<Double> requestMillis,
            List<Double> requestDraftMillis) {
        public ModeResult {
            requestMillis = List.copyOf(requestMillis);
            requestDraftMillis = List.copyOf(requestDraftMillis);
        }
    }

    /**
     * @param speedupOverPlain the shared store's tokens/s over plain's, each from all the pass's
     *     tokens over all its generation time
     * @param medianPromptSpeedup the median over the pass's prompts of one prompt's shared-store
     *     tokens/s over its own plain tokens/s: a request slowed by other work on the machine moves
     *     it less than it moves {@code speedupOverPlain}
     */
    public record PassResult(
            int pass,
            String workload,
            boolean afterRestart,
            double speedupOverPlain,
            double medianPromptSpeedup,
            List<ModeResult> modes) {
        public PassResult {
            modes = List.copyOf(modes);
        }
    }

    private final String bootstrapServers;
    private final Map<String, String> baseSettings;
    private final Path work;

    private NgramBenchmark(String bootstrapServers, Map<String, String> baseSettings, Path work) {
        this.bootstrapServers = bootstrapServers;
        this.baseSettings = baseSettings;
        this.work = work;
    }

    public static String runAll(Map<String, String> settings, int passes, int maxTokens, Path outDirectory)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Path work = Files.createTempDirectory("spec-ops-ngram-bench");
        try {
            return runIn(work, settings, passes, maxTokens, outDirectory);
        } finally {
            PathUtils.deleteDirectory(work);
        }
    }

    private static String runIn(Path work, Map<String, String> settings, int passes, int maxTokens, Path outDirectory)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        List<PassResult> results = new ArrayList<>();
        String loadAtStart = loadAverage();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
            TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), Topics.defaults(), 6, (short) 1);
            Map<String, String> base = new HashMap<>(settings);
            base.put("worker.application.id", "spec-ops-ngram-bench");
            base.put("worker.generation.threads", "1");
            base.put("metrics.port", "-1");
            NgramBenchmark benchmark = new NgramBenchmark(kafka.bootstrapServers(), base, work);
            List<String> repeated = Workloads.storyOpeners().subList(0, 10);
            List<String> templated = new ArrayList<>();
            for (String opener : Workloads.storyOpeners().subList(10, 20)) {
                templated.add(TEMPLATE + opener);
            }
            String first = "ngram-bench-worker-1";
            try (WorkerProcess worker = benchmark.startWorker(first);
                    SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
                Serving serving = new Serving(client, worker, benchmark.logFile(first));
                warmUp(serving, maxTokens);
                for (int pass = 1; pass <= passes; pass++) {
                    System.err.printf("pass %d on worker process %d%n", pass, worker.pid());
                    results.add(runPass(serving, pass, "repeated", repeated, maxTokens, false));
                    results.add(runPass(serving, pass, "templated", templated, maxTokens, false));
                }
            }
            String restarted = "ngram-bench-worker-2";
            try (WorkerProcess worker = benchmark.startWorker(restarted);
                    SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
                System.err.printf("restarted: worker process %d with an empty state directory%n", worker.pid());
                Serving serving = new Serving(client, worker, benchmark.logFile(restarted));
                warmUp(serving, maxTokens);
                results.add(runPass(serving, passes + 1, "repeated", repeated, maxTokens, true));
                results.add(runPass(serving, passes + 1, "templated", templated, maxTokens, true));
                benchmark.restoreLines(restarted).forEach(System.err::println);
            }
        }
        String loadAtEnd = loadAverage();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("time", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("load_average_at_start", loadAtStart);
        report.put("load_average_at_end", loadAtEnd);
        report.put("max_tokens", maxTokens);
        report.put("passes", results);
        Files.createDirectories(outDirectory);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(outDirectory.resolve("ngrams.json").toFile(), report);
        return String.format(
                        "%d cores; load average (1, 5, 15 min) %s at the start, %s at the end%n%n",
                        Runtime.getRuntime().availableProcessors(), loadAtStart, loadAtEnd)
                + markdown(results);
    }

    private static void warmUp(Serving serving, int maxTokens)
            throws InterruptedException, ExecutionException, TimeoutException, IOException {
        for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
            System.err.printf(
                    "warm-up round %d on worker process %d%n",
                    round, serving.worker().pid());
            runPass(serving, -round, "warm-up", WARM_UP_PROMPTS, maxTokens, false);
        }
    }

    /** The worker process a pass's requests go to, and its log for when it dies. */
    private record Serving(SpecOpsClient client, WorkerProcess worker, Path log) {

        /**
         * Sends one prompt and returns its metrics record. Fails at once, with the end of the worker's
         * log, if the worker process exits first (a setting it refuses, say), instead of waiting out
         * the two minutes a request may take.
         */
        JsonNode answer(PromptSpec spec)
                throws InterruptedException, ExecutionException, TimeoutException, IOException {
            CompletionHandle handle = client.submit(spec);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (true) {
                try {
                    return handle.metrics().get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (!worker.alive()) {
                        List<String> lines = Files.readAllLines(log);
                        throw new IllegalStateException("worker process " + worker.pid() + " exited with code "
                                + worker.exitCode().orElse(-1) + " before answering; the end of its log " + log
                                + ":\n"
                                + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }
    }

    /** The first three fields of {@code /proc/loadavg}, or "unknown" where there is none. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Starts a worker process with its own, empty state directory. It is ready once it answers: the
     * first requests sent to it wait on the topic until then.
     */
    private WorkerProcess startWorker(String workerId) throws IOException {
        Map<String, String> settings = new HashMap<>(baseSettings);
        settings.put("worker.id", workerId);
        settings.put("worker.state.dir", work.resolve(workerId).toString());
        return WorkerProcess.start(bootstrapServers, settings, logFile(workerId));
    }

    private Path logFile(String workerId) {
        return work.resolve(workerId + ".log");
    }

    /** The worker's log lines saying how long restoring each store partition took. */
    private List<String> restoreLines(String workerId) throws IOException {
        try (var lines = Files.lines(logFile(workerId))) {
            return lines.filter(line -> line.contains("Restored store")).toList();
        }
    }

    private static PassResult runPass(
            Serving serving, int pass, String workload, List<String> prompts, int maxTokens, boolean restarted)
            throws InterruptedException, ExecutionException, TimeoutException, IOException {
        Map<String, List<JsonNode>> byMode = new LinkedHashMap<>();
        for (String mode : MODES) {
            byMode.put(mode, new ArrayList<>());
        }
        for (int i = 0; i < prompts.size(); i++) {
            for (String mode : order(i)) {
                PromptSpec spec = PromptSpec.of(prompts.get(i), maxTokens)
                        .withSession(workload + "-pass-" + pass + "-" + i + "-" + mode)
                        .withDrafter(mode);
                byMode.get(mode).add(serving.answer(spec));
            }
        }
        List<ModeResult> modes = new ArrayList<>();
        byMode.forEach((mode, records) -> modes.add(summarise(mode, records)));
        double speedup = modes.get(2).tokensPerSecond() / modes.get(0).tokensPerSecond();
        double[] promptSpeedups = new double[prompts.size()];
        for (int i = 0; i < promptSpeedups.length; i++) {
            promptSpeedups[i] = tokensPerSecond(byMode.get(SHARED_STORE).get(i))
                    / tokensPerSecond(byMode.get(PLAIN).get(i));
        }
        Arrays.sort(promptSpeedups);
        int middle = promptSpeedups.length / 2;
        double median = promptSpeedups.length % 2 == 1
                ? promptSpeedups[middle]
                : (promptSpeedups[middle - 1] + promptSpeedups[middle]) / 2;
        return new PassResult(pass, workload, restarted, speedup, median, modes);
    }

    private static double tokensPerSecond(JsonNode metricsRecord) {
        return metricsRecord.path("generated_tokens").asDouble()
                * 1000
                / metricsRecord.path("total_ms").asDouble();
    }

    /**
     * The modes in the order prompt {@code i} runs them: the shared store's first, so that what the
     * store knows of a prompt comes from earlier passes and other prompts, never from the same
     * prompt's plain run a moment before (which made pass 1 as fast as the passes after it); then
     * plain and prompt lookup, taking turns at going first.
     */
    private static List<String> order(int i) {
        return i % 2 == 0 ? List.of(SHARED_STORE, PLAIN, PROMPT_LOOKUP) : List.of(SHARED_STORE, PROMPT_LOOKUP, PLAIN);
    }

    private static ModeResult summarise(String mode, List<JsonNode> records) {
        double tokens = 0;
        double millis = 0;
        double drafted = 0;
        double accepted = 0;
        double steps = 0;
        double draftMillis = 0;
        List<Double> requestMillis = new ArrayList<>();
        List<Double> requestDraftMillis = new ArrayList<>();
        for (JsonNode record : records) {
            requestMillis.add(record.path("total_ms").asDouble());
            requestDraftMillis.add(record.path("draft_ms").asDouble());
            tokens += record.path("generated_tokens").asDouble();
            millis += record.path("total_ms").asDouble();
            drafted += record.path("drafted_tokens").asDouble();
            accepted += record.path("accepted_tokens").asDouble();
            steps += record.path("verify_steps").asDouble();
            draftMillis += record.path("draft_ms").asDouble();
        }
        return new ModeResult(
                mode,
                records.size(),
                (long) tokens,
                millis,
                tokens * 1000 / millis,
                drafted == 0 ? 0 : accepted / drafted,
                steps == 0 ? 1 : 1 + accepted / steps,
                draftMillis / millis,
                requestMillis,
                requestDraftMillis);
    }

    static String markdown(List<PassResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| pass | workload | plain tok/s | prompt lookup tok/s | + shared store tok/s | speedup"
                + " | median prompt speedup | acceptance (PL / +store) | mean acceptance length (PL / +store)"
                + " | drafter share of time |\n");
        out.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (PassResult r : results) {
            ModeResult plain = r.modes().get(0);
            ModeResult lookup = r.modes().get(1);
            ModeResult shared = r.modes().get(2);
            out.append(String.format(
                    "| %s | %s | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.0f%% / %.0f%% | %.2f / %.2f | %.1f%% |%n",
                    r.afterRestart() ? r.pass() + " (after restart)" : Integer.toString(r.pass()),
                    r.workload(),
                    plain.tokensPerSecond(),
                    lookup.tokensPerSecond(),
                    shared.tokensPerSecond(),
                    r.speedupOverPlain(),
                    r.medianPromptSpeedup(),
                    100 * lookup.acceptanceRate(),
                    100 * shared.acceptanceRate(),
                    lookup.meanAcceptanceLength(),
                    shared.meanAcceptanceLength(),
                    100 * shared.draftShareOfTime()));
        }
        out.append('\n');
        for (String workload : List.of("repeated", "templated")) {
            out.append(summaryFromPassTwo(results, workload));
        }
        return out.toString();
    }

    /**
     * Every request of passes 2 and later before the restart taken together: on a busy machine one
     * pass's figures swing with the load, while the totals of many passes hold still.
     */
    private static String summaryFromPassTwo(List<PassResult> results, String workload) {
        long[] tokens = new long[MODES.size()];
        double[] millis = new double[MODES.size()];
        int passes = 0;
        double lowestSpeedup = Double.POSITIVE_INFINITY;
        double lowestMedian = Double.POSITIVE_INFINITY;
        for (PassResult r : results) {
            if (r.pass() < 2 || r.afterRestart() || !r.workload().equals(workload)) {
                continue;
            }
            passes++;
            lowestSpeedup = Math.min(lowestSpeedup, r.speedupOverPlain());
            lowestMedian = Math.min(lowestMedian, r.medianPromptSpeedup());
            for (int mode = 0; mode < MODES.size(); mode++) {
                tokens[mode] += r.modes().get(mode).generatedTokens();
                millis[mode] += r.modes().get(mode).totalMillis();
            }
        }
        if (passes == 0) {
            return "";
        }
        double plain = tokens[0] * 1000 / millis[0];
        double shared = tokens[2] * 1000 / millis[2];
        return String.format(
                "Passes 2 and later, %s, all %d passes' requests together: plain %.0f tok/s, prompt lookup"
                        + " %.0f tok/s, + shared store %.0f tok/s, %.2fx plain; lowest single pass %.2fx,"
                        + " lowest median prompt speedup %.2fx.%n",
                workload,
                passes,
                plain,
                tokens[1] * 1000 / millis[1],
                shared,
                shared / plain,
                lowestSpeedup,
                lowestMedian);
    }
}
