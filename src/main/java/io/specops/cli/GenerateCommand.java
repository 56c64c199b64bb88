package io.specops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.GenerationStats;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.TokenStreamListener;
import io.specops.engine.Engine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code generate}: one completion, streamed to stdout, statistics to stderr. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate one completion on this machine (no Kafka) and print it as it streams.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engineOptions;

    @Option(names = "--prompt", required = true, description = "The prompt text.")
    String prompt;

    @Option(
            names = "--max-tokens",
            defaultValue = "128",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus cut-off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            description = "Keep the K likeliest ids; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop", description = "Stop string; repeat for several.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--no-speculation", description = "Decode one token per target call.")
    boolean noSpeculation;

    @Option(names = "--json", description = "Print one JSON object with the text, ids and statistics.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Engine engine = Engine.start(engineOptions.config().engine())) {
            GenerationRequest request =
                    engine.request(prompt, maxTokens, new SamplingParams(temperature, topP, topK, seed), stop);
            TokenStreamListener listener = json ? TokenStreamListener.IGNORE : (text, ids) -> out.print(text);
            Completion completion = engine.generate(request, !noSpeculation, listener);
            if (json) {
                out.println(toJson(completion));
            } else {
                out.println();
                System.err.println(summary(completion));
            }
        }
        return 0;
    }

    static String summary(Completion completion) {
        GenerationStats stats = completion.stats();
        return String.format(
                "finish=%s prompt=%d generated=%d target_calls=%d drafted=%d accepted=%d acceptance=%.2f"
                        + " mean_acceptance_length=%.2f ttft=%.1fms total=%.1fms decode=%.0f tok/s",
                completion.finishReason().wireName(),
                stats.promptTokens(),
                stats.generatedTokens(),
                stats.targetCalls(),
                stats.draftedTokens(),
                stats.acceptedTokens(),
                stats.acceptanceRate(),
                stats.meanAcceptanceLength(),
                stats.timeToFirstTokenNanos() / 1e6,
                stats.totalNanos() / 1e6,
                stats.decodeTokensPerSecond());
    }

    static String toJson(Completion completion) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("text", completion.text());
        root.set("token_ids", mapper.valueToTree(completion.tokenIds()));
        root.put("finish_reason", completion.finishReason().wireName());
        root.put("finish_detail", completion.finishReason().name().toLowerCase(java.util.Locale.ROOT));
        GenerationStats stats = completion.stats();
        root.put("prompt_tokens", stats.promptTokens());
        root.put("generated_tokens", stats.generatedTokens());
        root.put("target_calls", stats.targetCalls());
        root.put("verify_steps", stats.verifySteps());
        root.put("drafted_tokens", stats.draftedTokens());
        root.put("accepted_tokens", stats.acceptedTokens());
        root.put("tie_replays", stats.tieReplays());
        root.put("acceptance_rate", stats.acceptanceRate());
        root.put("mean_acceptance_length", stats.meanAcceptanceLength());
        root.put("time_to_first_token_ms", stats.timeToFirstTokenNanos() / 1e6);
        root.put("total_ms", stats.totalNanos() / 1e6);
        root.put("decode_tokens_per_second", stats.decodeTokensPerSecond());
        return root.toString();
    }
}
