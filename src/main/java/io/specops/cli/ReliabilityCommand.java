package io.specops.cli;

import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import io.specops.reliability.BadInputCase;
import io.specops.reliability.CaseResult;
import io.specops.reliability.KillCase;
import io.specops.reliability.SigtermCase;
import io.specops.reliability.TamperCase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reliability}: the long versions of issue 7's fault cases against a broker on loopback and
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
            defaultValue = "kill,bad-input,sigterm,tamper",
            description = "Cases to run: kill, bad-input, sigterm, tamper (default: all).")
    List<String> cases;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prompts and of the fault choices.")
    long seed;

    @Option(names = "--prompts", defaultValue = "200", description = "Prompts per kill or SIGTERM round.")
    int prompts;

    @Option(names = "--good-prompts", defaultValue = "1000", description = "Good prompts of the bad-input case.")
    int goodPrompts;

    @Option(names = "--bad-per-kind", defaultValue = "11", description = "Bad records of each kind (9 kinds).")
    int badPerKind;

    @Option(names = "--max-tokens", defaultValue = "64", description = "max_tokens of each prompt.")
    int maxTokens;

    @Option(names = "--rounds", defaultValue = "3", description = "Workers killed in the kill case.")
    int rounds;

    @Option(
            names = "--worker-set",
            paramLabel = "KEY=VALUE",
            description = "A setting for every worker process, e.g. --worker-set kafka.session.timeout.ms=6000; by"
                    + " default they run with the worker's own settings.")
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
                                new BadInputCase.Settings(seed, 2, goodPrompts, badPerKind, maxTokens, 0.10));
                    case "sigterm" ->
                        SigtermCase.run(
                                bootstrap,
                                engine,
                                run.resolve("sigterm"),
                                new SigtermCase.Settings(seed, prompts, maxTokens, workerSettings));
                    case "tamper" -> TamperCase.run(bootstrap, engine.modelDirectory(), run.resolve("tamper"));
                    default ->
                        throw new IllegalArgumentException(
                                "unknown case " + name + "; cases are kill, bad-input, sigterm, tamper");
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
