package io.specops.cli;

import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.streams.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prompt}: send one prompt to the workers and print its completion as it streams in. */
@Command(name = "prompt", mixinStandardHelpOptions = true, description = "Send one prompt and stream its answer.")
final class PromptCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    KafkaClientOptions clientOptions;

    @Parameters(paramLabel = "TEXT", description = "The prompt.")
    String text;

    @Option(
            names = "--max-tokens",
            defaultValue = "128",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy.")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampler.")
    long seed;

    @Option(names = "--timeout-seconds", defaultValue = "120", description = "How long to wait for the answer.")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (SpecOpsClient client = new SpecOpsClient(kafka.resolve(), Topics.defaults(), clientOptions.config())) {
            PromptSpec prompt = PromptSpec.of(text, maxTokens).withSampling(temperature, 1.0, 0, seed);
            CompletionResult result = client.submit(prompt, out::print).result().get(timeoutSeconds, TimeUnit.SECONDS);
            out.println();
            if (!result.finished()) {
                System.err.println("failed: " + result.errorMessage());
                return 1;
            }
            System.err.printf("request %s finished (%s)%n", result.requestId(), result.finishReason());
            return 0;
        }
    }
}
