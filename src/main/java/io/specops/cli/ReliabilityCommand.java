package io.specops.cli;

import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import io.specops.reliability.BadInputCase;
import io.specops.reliability.BounceCase;
import io.specops.reliability.BurstCase;
import io.specops.reliability.CaseResult;
import io.specops.reliability.KillCase;
import io.specops.reliability.LongGenerationCase;
import io.specops.reliability.ScaleCase;
import io.specops.reliability.SecurityCase;
import io.specops.reliability.SigtermCase;
import io.specops.reliability.TamperCase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reliability}: the long versions of the reliability cases (docs/RELIABILITY.md) against a broker on loopback and
 * worker processes of this jar; prints each case's figures and appends them to a results file.
 */
@Command(
        name = "reliability",
        mixinStandardHelpOptions = true,
        description = "Fault, load and bad-input cases with a driver and a verifier; prints the figures.")
final class ReliabilityCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engineOptions;

    @Option(
            names = "--case",
            split = ",",
            defaultValue =
                    "kill,scale,bad-input,sigterm,bounce,long-generation,long-generation-defaults,tamper,burst,security",
            description = "Cases to run: kill, scale, bad-input, sigterm, bounce, long-generation,"
                    + " long-generation-defaults, tamper, burst, security (default: all).")
    List<String> cases;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prompts and of the fault choices.")
    long seed;

    @Option(names = "--prompts", defaultValue = "200", description = "Prompts per kill or SIGTERM round.")
    int prompts;

    @Option(names = "--good-prompts", defaultValue = "1000", description = "Good prompts of the bad-input case.")
    int goodPrompts;

    @Option(
            names = "--pairs",
            defaultValue = "3",
            description = "Clean and mixed runs of the bad-input case, compared by their medians.")
    int pairs;

    @Option(names = "--bad-per-kind", defaultValue = "11", description = "Bad records of each kind (9 kinds).")
    int badPerKind;

    @Option(names = "--max-tokens", defaultValue = "64", description = "max_tokens of each prompt.")
    int maxTokens;

    @Option(names = "--rounds", defaultValue = "3", description = "Workers killed in the kill case.")
    int rounds;

    @Option(names = "--rate", defaultValue = "3", description = "Prompts per second of the scale and bounce cases.")
    double rate;

    @Option(names = "--max-workers", defaultValue = "4", description = "Largest group of the scale case.")
    int maxWorkers;

    @Option(names = "--step-seconds", defaultValue = "30", description = "Seconds between the scale case's changes.")
    int stepSeconds;

    @Option(names = "--bounces", defaultValue = "10", description = "Broker restarts (stopped, killed, ...).")
    int bounces;

    @Option(
            names = "--bounce-interval-seconds",
            defaultValue = "20",
            description = "Seconds of load between a broker's return and the next bounce.")
    int bounceIntervalSeconds;

    @Option(
            names = "--long-prompts-per-worker",
            defaultValue = "16",
            description = "Generations at once on each worker of the long-generation cases (2 workers).")
    int longPromptsPerWorker;

    @Option(
            names = "--long-model",
            defaultValue = "src/test/resources/models/tiny-random-llama-fp16",
            description = "Model of the long-generation cases (default: ${DEFAULT-VALUE}: its random weights never"
                    + " end a generation early, so each runs to the 2048-token context).")
    Path longModel;

    @Option(names = "--burst-prompts", defaultValue = "2000", description = "Prompts of the burst case, sent at once.")
    int burstPrompts;

    @Option(names = "--burst-workers", defaultValue = "2", description = "Worker processes of the burst case.")
    int burstWorkers;

    @Option(
            names = "--burst-heap",
            defaultValue = "307m",
            description = "-Xmx of the burst case's workers (default: ${DEFAULT-VALUE}, the heap share of the k8s/"
                    + " container limit).")
    String burstHeap;

    @Option(
            names = "--burst-rss-limit-mib",
            defaultValue = "768",
            description = "Most resident memory a burst worker may use (default: ${DEFAULT-VALUE}, the k8s/ limit).")
    long burstRssLimitMib;

    @Option(names = "--security-prompts", defaultValue = "50", description = "Prompts of the security case.")
    int securityPrompts;

    @Option(
            names = "--worker-set",
            paramLabel = "KEY=VALUE",
            description =
                    "A setting for every worker process, e.g. --worker-set kafka.consumer.session.timeout.ms=6000;"
                            + " by default they run with the worker's own settings.")
    Map<String, String> workerSettings = new HashMap<>();

    @Option(
            names = "--work-dir",
            defaultValue = "target/reliability",
            description = "Broker data, worker logs and results.txt (default: ${DEFAULT-VALUE}).")
    Path workDirectory;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Files.createDirectories(workDirectory);
        Path run = Files.createTempDirectory(workDirectory, "run-");
        List<CaseResult> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(run.resolve("kafka"));
                Engine engine = Engine.start(engineOptions.config().engine())) {
            String bootstrap = kafka.bootstrapServers();
            for (String name : cases) {
                CaseResult result = switch (name) {
                    case "kill" ->
                        KillCase.run(
                                bootstrap,
                                engine,
                                run.resolve("kill"),
                                new KillCase.Settings(seed, 3, rounds, prompts, maxTokens, workerSettings));
                    case "bad-input" ->
                        BadInputCase.run(
                                bootstrap,
                                engine,
                                run.resolve("bad-input"),
                                new BadInputCase.Settings(seed, 2, goodPrompts, badPerKind, maxTokens, 0.10, pairs));
                    case "sigterm" ->
                        SigtermCase.run(
                                bootstrap,
                                engine,
                                run.resolve("sigterm"),
                                new SigtermCase.Settings(seed, prompts, maxTokens, workerSettings));
                    case "scale" ->
                        ScaleCase.run(
                                bootstrap,
                                engine,
                                run.resolve("scale"),
                                new ScaleCase.Settings(
                                        seed,
                                        maxWorkers,
                                        Duration.ofSeconds(stepSeconds),
                                        rate,
                                        maxTokens,
                                        workerSettings));
                    case "bounce" ->
                        BounceCase.run(
                                engine,
                                run.resolve("bounce"),
                                new BounceCase.Settings(
                                        seed,
                                        2,
                                        bounces,
                                        Duration.ofSeconds(bounceIntervalSeconds),
                                        Duration.ofSeconds(3),
                                        rate,
                                        maxTokens,
                                        workerSettings));
                    case "long-generation", "long-generation-defaults" -> {
                        boolean defaults = name.endsWith("-defaults");
                        Map<String, String> kafkaSettings = new HashMap<>(workerSettings);
                        if (defaults) {
                            kafkaSettings.putAll(LongGenerationCase.KAFKA_DEFAULTS);
                        }
                        try (Engine longEngine =
                                Engine.start(engineOptions.config(longModel).engine())) {
                            yield LongGenerationCase.run(
                                    bootstrap,
                                    longEngine,
                                    run.resolve(name),
                                    new LongGenerationCase.Settings(
                                            defaults ? "kafka-defaults" : "worker-settings",
                                            seed,
                                            2,
                                            longPromptsPerWorker,
                                            2048,
                                            kafkaSettings));
                        }
                    }
                    case "burst" ->
                        BurstCase.run(
                                bootstrap,
                                engine,
                                run.resolve("burst"),
                                new BurstCase.Settings(
                                        seed,
                                        burstWorkers,
                                        burstPrompts,
                                        maxTokens,
                                        burstHeap,
                                        burstRssLimitMib << 20,
                                        workerSettings));
                    case "security" ->
                        SecurityCase.run(
                                engine,
                                run.resolve("security"),
                                new SecurityCase.Settings(
                                        seed, securityPrompts, maxTokens, true, true, Duration.ofSeconds(60)));
                    case "tamper" -> TamperCase.run(bootstrap, engine.modelDirectory(), run.resolve("tamper"));
                    default ->
                        throw new IllegalArgumentException(
                                "unknown case " + name + "; cases are kill, scale, bad-input, sigterm, bounce,"
                                        + " long-generation, long-generation-defaults, tamper, burst, security");
                };
                System.out.print(result.text());
                System.out.flush();
                Files.writeString(
                        workDirectory.resolve("results.txt"),
                        result.text(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                results.add(result);
            }
        }
        boolean passed = results.stream().allMatch(CaseResult::passed);
        System.out.println(passed ? "ALL CASES PASSED" : "SOME CASES FAILED");
        return passed ? 0 : 1;
    }
}
