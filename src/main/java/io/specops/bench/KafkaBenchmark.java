package io.specops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.specops.client.CompletionHandle;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What Kafka adds to a request, and how throughput grows with worker processes, against a real
 * broker on loopback and workers in child JVMs.
 */
public final class KafkaBenchmark {

    /** Produce-to-first-chunk time minus the engine's own time to first token, per request. */
    public record OverheadResult(
            int requests,
            double overheadP50Millis,
            double overheadP95Millis,
            double firstChunkP50Millis,
            double engineTtftP50Millis) {}

    public record ThroughputResult(
            String setup,
            int processes,
            int threadsPerProcess,
            int requests,
            int maxTokens,
            double requestsPerSecond,
            double tokensPerSecond,
            double queueP50Millis,
            double queueP95Millis,
            double queueP99Millis) {}

    private final String bootstrapServers;
    private final Path workDirectory;
    private int workerCount;

    public KafkaBenchmark(String bootstrapServers, Path workDirectory) {
        this.bootstrapServers = bootstrapServers;
        this.workDirectory = workDirectory;
    }

    /** Starts {@code processes} workers of one consumer group and waits until they answer. */
    public List<WorkerProcess> startWorkers(int processes, int threads)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        List<WorkerProcess> workers = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            String id = "bench-worker-" + (++workerCount);
            Map<String, String> settings = new HashMap<>();
            settings.put("worker.application.id", "spec-ops-bench");
            settings.put("worker.id", id);
            settings.put("worker.state.dir", workDirectory.resolve(id).toString());
            settings.put("worker.generation.threads", Integer.toString(threads));
            settings.put("metrics.port", "-1");
            workers.add(WorkerProcess.start(bootstrapServers, settings, workDirectory.resolve(id + ".log")));
        }
        try (SpecOpsClient client = new SpecOpsClient(bootstrapServers)) {
            // Warm-up prompts reach every partition's owner only by chance; enough of them settle the group.
            List<CompletionHandle> warmUp = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                warmUp.add(client.submit(PromptSpec.of("Once upon a time", 8)));
            }
            for (CompletionHandle handle : warmUp) {
                handle.result().get(3, TimeUnit.MINUTES);
            }
        }
        return workers;
    }

    public OverheadResult overhead(int requests)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        double[] overhead = new double[requests];
        double[] firstChunk = new double[requests];
        double[] engineTtft = new double[requests];
        List<String> openers = Workloads.storyOpeners();
        try (SpecOpsClient client = new SpecOpsClient(bootstrapServers)) {
            for (int i = 0; i < requests; i++) {
                CompletionHandle handle = client.submit(PromptSpec.of(openers.get(i % openers.size()), 16));
                CompletionResult result = handle.result().get(60, TimeUnit.SECONDS);
                JsonNode metrics = handle.metrics().get(60, TimeUnit.SECONDS);
                firstChunk[i] = (result.firstChunkNanos() - result.sentNanos()) / 1e6;
                engineTtft[i] = metrics.path("time_to_first_token_ms").asDouble();
                overhead[i] = firstChunk[i] - engineTtft[i];
            }
        }
        return new OverheadResult(
                requests,
                percentile(overhead, 50),
                percentile(overhead, 95),
                percentile(firstChunk, 50),
                percentile(engineTtft, 50));
    }

    /** Sends {@code requests} prompts at once and waits for every answer. */
    public ThroughputResult throughput(String setup, int processes, int threads, int requests, int maxTokens)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        List<String> openers = Workloads.storyOpeners();
        List<CompletionHandle> handles = new ArrayList<>();
        long start = System.nanoTime();
        long tokens = 0;
        double[] queue = new double[requests];
        try (SpecOpsClient client = new SpecOpsClient(bootstrapServers)) {
            for (int i = 0; i < requests; i++) {
                String prompt = openers.get(i % openers.size()) + " " + i;
                handles.add(client.submit(PromptSpec.of(prompt, maxTokens)));
            }
            for (int i = 0; i < requests; i++) {
                JsonNode metrics = handles.get(i).metrics().get(10, TimeUnit.MINUTES);
                tokens += metrics.path("generated_tokens").asLong();
                queue[i] = metrics.path("queue_time_ms").asDouble();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new ThroughputResult(
                setup,
                processes,
                threads,
                requests,
                maxTokens,
                requests / seconds,
                tokens / seconds,
                percentile(queue, 50),
                percentile(queue, 95),
                percentile(queue, 99));
    }

    static double percentile(double[] values, double percent) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
