package io.specops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.specops.client.CompletionHandle;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.config.SpecOpsConfig;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import io.specops.streams.TopicSetup;
import io.specops.streams.Topics;
import io.specops.streams.Worker;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole system on one machine. Starts a single-node KRaft broker on loopback,
 * creates the topics, starts a worker, sends sample prompts through the client and streams their
 * answers, then prints a summary per request and stops everything.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run an embedded Kafka broker and a worker, send sample prompts, stream the answers.")
final class DemoCommand implements Callable<Integer> {

    /** Prompts that show both sides: stories to write, and text that repeats what it quotes. */
    static final List<String> SAMPLE_PROMPTS = List.of(
            "Once upon a time, there was a little dog named Max.",
            "Lily and Tim went to the park. They saw a big dog!",
            "The cat sat on the mat. The cat sat on the mat. The cat sat on the mat.",
            "Sam had a new toy car that could go very fast.",
            "One, two, three, four. One, two, three, four. One, two,");

    @Mixin
    EngineOptions engineOptions;

    @Option(names = "--max-tokens", defaultValue = "96", description = "Tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path workDirectory = Files.createTempDirectory("spec-ops-demo");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(workDirectory.resolve("kafka"))) {
            out.printf("Kafka broker (KRaft, single node) at %s%n", kafka.bootstrapServers());
            Topics topics = Topics.defaults();
            for (TopicSetup.Outcome outcome :
                    TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), topics, 3, (short) 1)) {
                out.printf("  topic %s (%d partitions)%n", outcome.topic(), outcome.partitions());
            }
            engineOptions.settings.putIfAbsent("kafka.bootstrap.servers", kafka.bootstrapServers());
            engineOptions.settings.putIfAbsent(
                    "worker.state.dir", workDirectory.resolve("state").toString());
            engineOptions.settings.putIfAbsent("worker.application.id", "spec-ops-demo");
            SpecOpsConfig config = engineOptions.config();
            try (Engine engine = Engine.start(config.engine());
                    Worker worker = new Worker(config.worker(), engine).start()) {
                worker.awaitRunning(Duration.ofSeconds(60));
                out.printf("Worker %s running%n%n", config.worker().workerId());
                List<Row> rows = new ArrayList<>();
                try (SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
                    for (int i = 0; i < SAMPLE_PROMPTS.size(); i++) {
                        rows.add(send(client, out, i + 1, SAMPLE_PROMPTS.get(i)));
                    }
                }
                printSummary(out, rows);
            }
        } finally {
            PathUtils.deleteDirectory(workDirectory);
        }
        return 0;
    }

    private record Row(String requestId, JsonNode metrics, double firstChunkMillis) {}

    private Row send(SpecOpsClient client, PrintStream out, int number, String prompt)
            throws InterruptedException, ExecutionException, TimeoutException {
        out.printf("[%d/%d] %s%n", number, SAMPLE_PROMPTS.size(), prompt);
        out.print("      ");
        CompletionHandle handle =
                client.submit(PromptSpec.of(prompt, maxTokens), text -> out.print(text.replace("\n", "\n      ")));
        CompletionResult result = handle.result().get(120, TimeUnit.SECONDS);
        JsonNode metrics = handle.metrics().get(30, TimeUnit.SECONDS);
        out.printf(
                "%n      -> %s, %d tokens, %.0f tokens/s, acceptance %.0f%%%n%n",
                result.finishReason(),
                metrics.path("generated_tokens").asInt(),
                metrics.path("tokens_per_second").asDouble(),
                100 * metrics.path("acceptance_rate").asDouble());
        double firstChunkMillis = (result.firstChunkNanos() - result.sentNanos()) / 1e6;
        return new Row(result.requestId(), metrics, firstChunkMillis);
    }

    private static void printSummary(PrintStream out, List<Row> rows) {
        out.println(
                "| # | tokens | tokens/s | acceptance | mean acceptance length | engine TTFT ms | first chunk ms |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode m = rows.get(i).metrics();
            out.printf(
                    "| %d | %d | %.0f | %.0f%% | %.2f | %.1f | %.1f |%n",
                    i + 1,
                    m.path("generated_tokens").asInt(),
                    m.path("tokens_per_second").asDouble(),
                    100 * m.path("acceptance_rate").asDouble(),
                    m.path("mean_acceptance_length").asDouble(),
                    m.path("time_to_first_token_ms").asDouble(),
                    rows.get(i).firstChunkMillis());
        }
    }
}
