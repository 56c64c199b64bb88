package io.specops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.specops.bench.BenchChart;
import io.specops.bench.DecodingBenchmark;
import io.specops.bench.DecodingBenchmark.LogitDriftResult;
import io.specops.bench.DecodingBenchmark.VerifyCostResult;
import io.specops.bench.DecodingBenchmark.WorkloadResult;
import io.specops.bench.KafkaBenchmark;
import io.specops.bench.NgramBenchmark;
import io.specops.bench.PathDrift;
import io.specops.bench.Workload;
import io.specops.bench.Workloads;
import io.specops.decoding.SamplingParams;
import io.specops.engine.Engine;
import io.specops.engine.EngineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: plain against speculative decoding, measured side by side; prints markdown, writes JSON. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark plain against speculative decoding on the bundled workloads.")
final class BenchCommand implements Callable<Integer> {

    /** Greedy, and the sampling settings the equality tests use. */
    private static final List<SamplingParams> PATH_DRIFT_SAMPLINGS =
            List.of(SamplingParams.GREEDY, new SamplingParams(1.0, 1.0, 0, 7), new SamplingParams(0.8, 0.9, 40, 1234));

    /** How the {@code -sampled} workloads sample: temperature 1 over the whole vocabulary. */
    private static final SamplingParams SAMPLED_WORKLOADS = new SamplingParams(1.0, 1.0, 0, 7);

    @Mixin
    EngineOptions engineOptions;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds per workload (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--max-tokens",
            defaultValue = "256",
            description = "Tokens per generation (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--workload",
            description = "Workloads to run: input-grounded, open-ended, golden, input-grounded-sampled,"
                    + " open-ended-sampled (default: all).")
    List<String> workloads = new ArrayList<>(
            List.of("input-grounded", "open-ended", "golden", "input-grounded-sampled", "open-ended-sampled"));

    @Option(names = "--out", defaultValue = "target/bench", description = "Directory for the JSON report.")
    Path outDirectory;

    @Option(
            names = "--kafka",
            description = "Measure the Kafka path instead: overhead per request and throughput of 1 vs 2 workers.")
    boolean kafka;

    @Option(names = "--requests", defaultValue = "100", description = "Requests per Kafka measurement.")
    int requests;

    @Option(
            names = "--ngrams",
            description = "Measure the shared n-gram store instead: repeated and templated work over several passes,"
                    + " then a worker restart.")
    boolean ngrams;

    @Option(names = "--passes", defaultValue = "10", description = "Passes of the n-gram benchmark.")
    int passes;

    @Option(
            names = "--chart",
            paramLabel = "PNG",
            description = "Also draw plain vs speculative tokens/s per workload from the decoding report, as a PNG.")
    Path chart;

    @Option(
            names = "--chart-only",
            description = "Draw --chart from the decoding.json already in --out, without running the benchmark.")
    boolean chartOnly;

    @Override
    public Integer call() throws Exception {
        if (chartOnly) {
            if (chart == null) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), "--chart-only needs --chart PNG");
            }
            drawChart();
            return 0;
        }
        if (ngrams) {
            System.out.print(NgramBenchmark.runAll(engineOptions.settings, passes, maxTokens, outDirectory));
            return 0;
        }
        if (kafka) {
            System.out.print(KafkaBenchmark.runAll(requests, requests, 64, outDirectory));
            return 0;
        }
        EngineSettings settings = engineOptions.config().engine();
        try (Engine engine = Engine.start(settings)) {
            DecodingBenchmark benchmark = new DecodingBenchmark(engine, rounds);
            List<WorkloadResult> results = new ArrayList<>();
            for (String name : workloads) {
                Workload workload = switch (name) {
                    case "input-grounded" -> Workloads.inputGrounded(engine, maxTokens);
                    case "open-ended" -> Workloads.openEnded(engine, maxTokens);
                    case "golden" -> Workloads.golden(engine, maxTokens);
                    case "input-grounded-sampled" ->
                        Workloads.inputGrounded(engine, maxTokens).sampled(SAMPLED_WORKLOADS);
                    case "open-ended-sampled" ->
                        Workloads.openEnded(engine, maxTokens).sampled(SAMPLED_WORKLOADS);
                    default ->
                        throw new picocli.CommandLine.ParameterException(
                                new picocli.CommandLine(this),
                                "unknown workload '" + name + "'; choose input-grounded, open-ended, golden,"
                                        + " input-grounded-sampled or open-ended-sampled");
                };
                System.err.printf(
                        "running %s (%d prompts x %d rounds)%n",
                        name, workload.prompts().size(), rounds);
                results.add(benchmark.run(workload));
            }
            VerifyCostResult cost = benchmark.verifyCost(engine.verifyCost().maxDraftTokens(), 30);
            LogitDriftResult drift =
                    benchmark.logitDrift(Workloads.storyOpeners().get(0), 256, 8);
            List<PathDrift.Result> paths = new ArrayList<>();
            List<int[]> openers = Workloads.openEnded(engine, maxTokens).prompts();
            for (SamplingParams sampling : PATH_DRIFT_SAMPLINGS) {
                paths.add(PathDrift.measure(engine, openers, maxTokens, sampling, settings.speculation()));
            }
            Map<String, Object> machine = machine(engine);
            System.out.print(markdown(results, cost, machine)
                    + markdown(drift, settings.speculation().tieMargin())
                    + markdown(paths));
            write(results, cost, drift, paths, machine);
        }
        if (chart != null) {
            drawChart();
        }
        return 0;
    }

    private void drawChart() throws IOException {
        Path report = outDirectory.resolve("decoding.json");
        BenchChart.write(new ObjectMapper().readTree(report.toFile()), chart);
        System.err.println("drew " + chart + " from " + report);
    }

    private Map<String, Object> machine(Engine engine) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("model", engine.modelDirectory().getFileName().toString());
        machine.put("model_sha256", engine.model().sha256());
        machine.put(
                "intra_op_threads", engineOptions.config().engine().session().intraOpThreads());
        return machine;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String markdown(List<WorkloadResult> results, VerifyCostResult cost, Map<String, Object> machine) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "Machine: %s, %s cores, %s; model %s, %s intra-op thread(s)%n%n",
                machine.get("cpu"),
                machine.get("cores"),
                machine.get("java"),
                machine.get("model"),
                machine.get("intra_op_threads")));
        out.append("| workload | prompts | plain tok/s | speculative tok/s | speedup | acceptance"
                + " | mean acceptance length | identical | tie replays"
                + " | time outside ORT run (plain / speculative) |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (WorkloadResult r : results) {
            out.append(String.format(
                    "| %s | %d | %.0f | %.0f | %.2fx | %.1f%% | %.2f | %d/%d | %d | %.1f%% / %.1f%% |%n",
                    r.workload(),
                    r.prompts(),
                    r.plainTokensPerSecond(),
                    r.speculativeTokensPerSecond(),
                    r.speedup(),
                    100 * r.acceptanceRate(),
                    r.meanAcceptanceLength(),
                    r.identicalOutputs(),
                    r.comparedOutputs(),
                    r.tieReplays(),
                    100 * r.plainShareOutsideRuntime(),
                    100 * r.speculativeShareOutsideRuntime()));
        }
        out.append(String.format(
                "%nVerify cost c(k) = t(k+1 tokens) / t(1 token), with rollback, on a %d-token cache, %d rounds:"
                        + " each k's fastest round over the fastest one-token round, and the line the engine"
                        + " fits through those (one token: %.3f ms):%n%n",
                cost.contextTokens(), cost.rounds(), cost.oneTokenMillis()));
        StringBuilder header = new StringBuilder("| k |");
        StringBuilder rule = new StringBuilder("| --- |");
        StringBuilder fastest = new StringBuilder("| fastest round |");
        StringBuilder line = new StringBuilder("| c(k), fitted |");
        for (int k = 1; k < cost.relativeCost().length; k++) {
            header.append(' ').append(k).append(" |");
            rule.append(" ---: |");
            fastest.append(String.format(" %.2f |", cost.fastestRelative()[k]));
            line.append(String.format(" %.2f |", cost.relativeCost()[k]));
        }
        out.append(header).append('\n').append(rule).append('\n');
        out.append(fastest).append('\n').append(line).append('\n');
        return out.toString();
    }

    static String markdown(LogitDriftResult drift, double tieMargin) {
        return String.format(
                "%nVerify passes of %d tokens against one-token passes over the same %d positions: %d rows differ"
                        + " in some logit, by at most %.2g; the closest top-two gap of the one-token passes was"
                        + " %.2g. Where plain decoding's top two logits are closer than such a difference,"
                        + " a choice read from a verify pass could differ from plain decoding's, so choices"
                        + " closer than the tie margin (%.2g, %.1f times the largest difference) are made again"
                        + " from logits computed the plain way (the tie replays above).%n",
                drift.draftTokens(),
                drift.rows(),
                drift.rowsDiffering(),
                drift.largestDifference(),
                drift.closestTopTwoGap(),
                tieMargin,
                tieMargin / drift.largestDifference());
    }

    /**
     * Plain against speculative runs over whole generations, logit row by logit row: the drift the
     * tie guard must cover, and whether any output parted (sampled requests are not guarded).
     */
    static String markdown(List<PathDrift.Result> paths) {
        StringBuilder out = new StringBuilder(String.format(
                "%nSpeculative (prompt lookup) against plain runs of the open-ended prompts, at every position"
                        + " where both have the same tokens so far:%n%n"
                        + "| sampling | prompts | tokens | positions | largest logit drift | largest top-two gap drift"
                        + " | closest top-two gap | tie replays | outputs differing |%n"
                        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n"));
        for (PathDrift.Result r : paths) {
            out.append(String.format(
                    "| %s | %d | %d | %d | %.2g | %.2g | %.2g | %d | %d |%n",
                    r.sampling(),
                    r.prompts(),
                    r.tokens(),
                    r.positions(),
                    r.largestDifference(),
                    r.largestGapDrift(),
                    r.closestGap(),
                    r.tieReplays(),
                    r.differingOutputs()));
        }
        return out.toString();
    }

    private void write(
            List<WorkloadResult> results,
            VerifyCostResult cost,
            LogitDriftResult drift,
            List<PathDrift.Result> paths,
            Map<String, Object> machine)
            throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("time", Instant.now().toString());
        report.put("machine", machine);
        report.put("rounds", rounds);
        report.put("workloads", results);
        report.put("verify_cost", cost);
        report.put("logit_drift", drift);
        report.put("path_drift", paths);
        Files.createDirectories(outDirectory);
        Path file = outDirectory.resolve("decoding.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        System.err.println("wrote " + file);
    }
}
