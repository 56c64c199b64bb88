package io.specops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.specops.client.CompletionHandle;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.kafka.EmbeddedKafka;
import io.specops.streams.TopicSetup;
import io.specops.streams.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What Kafka adds to a request, and how throughput grows with worker processes, against a real
 * broker on loopback and workers in child JVMs.
 */
public final class KafkaBenchmark {

    /** A plain produce-to-consume round trip on the same broker, the floor under any overhead. */
    public record RoundTripResult(
            String phase, int fetchMaxWaitMillis, int records, double p50Millis, double p95Millis) {}

    /**
     * Produce-to-first-chunk time minus the engine's own time to first token, per request.
     *
     * @param phase when it was measured: right after the worker started, or after {@link
     *     #SETTLE_REQUESTS} more requests had run
     */
    public record OverheadResult(
            String phase,
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

    private static final String GROUP = "spec-ops-bench";

    /**
     * Untimed sequential requests between the cold and the steady-state overhead measurement. The
     * JIT compiles the hot paths of the broker, the worker and the client only after some thousands
     * of calls: in paired runs on the 2-core machine the overhead of the first 100 requests after
     * start was 3 to 4 times that after a few hundred more, which a long-running worker sees.
     */
    static final int SETTLE_REQUESTS = 300;

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
            settings.put("worker.application.id", GROUP);
            settings.put("worker.id", id);
            settings.put("worker.state.dir", workDirectory.resolve(id).toString());
            settings.put("worker.generation.threads", Integer.toString(threads));
            settings.put("metrics.port", "-1");
            workers.add(WorkerProcess.start(bootstrapServers, settings, workDirectory.resolve(id + ".log")));
        }
        awaitStableGroup(processes);
        try (SpecOpsClient client = new SpecOpsClient(bootstrapServers)) {
            // Warm every worker's JIT and model before anything is timed.
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

    /**
     * Waits until the group has {@code members} members that all own partitions, so that no rebalance
     * moves in-flight work while a measurement runs.
     */
    private void awaitStableGroup(int members) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription group;
                try {
                    group = admin.describeConsumerGroups(List.of(GROUP))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(GROUP);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                    Thread.sleep(200); // the workers have not joined yet
                    continue;
                }
                boolean settled = group.groupState() == GroupState.STABLE
                        && group.members().size() == members
                        && group.members().stream()
                                .noneMatch(member ->
                                        member.assignment().topicPartitions().isEmpty());
                if (settled) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new TimeoutException("the " + members + " workers did not settle into one stable group in 2 minutes");
    }

    public OverheadResult overhead(String phase, int requests)
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
                phase,
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

    /** Sends records one at a time through a scratch topic and times each until it is consumed. */
    public RoundTripResult roundTrip(String phase, int fetchMaxWaitMillis, int records)
            throws InterruptedException, ExecutionException, TimeoutException {
        String topic = "specops.bench.round-trip";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
        }
        double[] millis = new double[records];
        Map<String, Object> producerConfig =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 0);
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMillis);
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            long expectedOffset = consumer.position(partition); // resolved now, before the first send
            byte[] key = "round-trip".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = -10; i < records; i++) { // ten unmeasured records warm the path
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, key, new byte[0]));
                ConsumerRecords<byte[], byte[]> received;
                while ((received = consumer.poll(Duration.ofMillis(100))).isEmpty()) {
                    Thread.onSpinWait();
                }
                long offset = received.iterator().next().offset();
                if (received.count() != 1 || offset != expectedOffset) {
                    throw new IllegalStateException("the round trip consumed " + received.count()
                            + " records from offset " + offset + " instead of the one just sent, at " + expectedOffset);
                }
                expectedOffset++;
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return new RoundTripResult(phase, fetchMaxWaitMillis, records, percentile(millis, 50), percentile(millis, 95));
    }

    /** The whole Kafka benchmark against a fresh embedded broker; returns the markdown report. */
    public static String runAll(int overheadRequests, int throughputRequests, int maxTokens, Path outDirectory)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Path work = Files.createTempDirectory("spec-ops-kafka-bench");
        List<ThroughputResult> throughput = new ArrayList<>();
        List<RoundTripResult> roundTrips = new ArrayList<>();
        List<OverheadResult> overhead = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
            TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), Topics.defaults(), 6, (short) 1);
            KafkaBenchmark benchmark = new KafkaBenchmark(kafka.bootstrapServers(), work);
            roundTrips.add(benchmark.roundTrip("fresh broker", 500, 100));
            roundTrips.add(benchmark.roundTrip("fresh broker", 10, 100));
            List<WorkerProcess> workers = benchmark.startWorkers(1, 1);
            overhead.add(benchmark.overhead("cold: the first requests after the worker started", overheadRequests));
            benchmark.overhead("settling, not reported", SETTLE_REQUESTS);
            overhead.add(benchmark.overhead("steady: after " + SETTLE_REQUESTS + " more requests", overheadRequests));
            roundTrips.add(benchmark.roundTrip("after the overhead runs, a worker idle", 10, 100));
            throughput.add(benchmark.throughput("1 process x 1 thread", 1, 1, throughputRequests, maxTokens));
            workers.forEach(WorkerProcess::close);
            workers = benchmark.startWorkers(2, 1);
            throughput.add(benchmark.throughput("2 processes x 1 thread", 2, 1, throughputRequests, maxTokens));
            workers.forEach(WorkerProcess::close);
            workers = benchmark.startWorkers(1, 2);
            throughput.add(benchmark.throughput("1 process x 2 threads", 1, 2, throughputRequests, maxTokens));
            workers.forEach(WorkerProcess::close);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("time", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("round_trip", roundTrips);
        report.put("overhead", overhead);
        report.put("throughput", throughput);
        Files.createDirectories(outDirectory);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(outDirectory.resolve("kafka.json").toFile(), report);
        return markdown(roundTrips, overhead, throughput);
    }

    static String markdown(
            List<RoundTripResult> roundTrips, List<OverheadResult> overhead, List<ThroughputResult> throughput) {
        StringBuilder out = new StringBuilder();
        for (RoundTripResult r : roundTrips) {
            out.append(String.format(
                    "Broker round trip, %s (produce one record, consume it; fetch.max.wait.ms %d): p50 %.1f ms,"
                            + " p95 %.1f ms over %d records%n",
                    r.phase(), r.fetchMaxWaitMillis(), r.p50Millis(), r.p95Millis(), r.records()));
        }
        out.append('\n');
        for (OverheadResult o : overhead) {
            out.append(String.format(
                    "Kafka overhead over %d sequential requests, %s (produce to first chunk consumed, minus the"
                            + " engine's time to first token): p50 %.1f ms, p95 %.1f ms (first chunk p50 %.1f ms,"
                            + " engine TTFT p50 %.1f ms)%n",
                    o.requests(),
                    o.phase(),
                    o.overheadP50Millis(),
                    o.overheadP95Millis(),
                    o.firstChunkP50Millis(),
                    o.engineTtftP50Millis()));
        }
        out.append('\n');
        out.append("| workers | requests | max tokens | requests/s | tokens/s | queue p50 ms | queue p95 ms"
                + " | queue p99 ms |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ThroughputResult r : throughput) {
            out.append(String.format(
                    "| %s | %d | %d | %.1f | %.0f | %.0f | %.0f | %.0f |%n",
                    r.setup(),
                    r.requests(),
                    r.maxTokens(),
                    r.requestsPerSecond(),
                    r.tokensPerSecond(),
                    r.queueP50Millis(),
                    r.queueP95Millis(),
                    r.queueP99Millis()));
        }
        return out.toString();
    }

    static double percentile(double[] values, double percent) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
