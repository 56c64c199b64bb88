package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import io.specops.metrics.MetricNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Reliability case 7: a burst of prompts, all sent at once to a group of worker processes with a heap
 * limit. Every prompt must come back with the engine's text, and each worker must stay within its
 * memory bounds: its heap in use below its {@code -Xmx}, its resident set below a stated limit. The
 * case samples each worker's {@code /metrics} (heap in use, prompts accepted and answered) and
 * {@code /proc/<pid>/status} (resident set) while the burst runs, and reports queue-time percentiles.
 *
 * <p>It also checks where the burst waits. A worker takes on at most {@code
 * worker.max.waiting.prompts} ahead of its decoding threads (plus the records of one poll it had
 * fetched already), so the rest must stay on the topic: each worker's backlog (taken on, not yet
 * answered) must stay within that bound, and the consumer group's lag on the prompts topic, as an
 * autoscaler reads it from the broker (committed offsets against end offsets), must still be above
 * zero {@link #LAG_GRACE} after the last prompt was acknowledged, when a worker without the bound
 * has long taken on and committed every prompt. The committed lag the workers export themselves
 * ({@code specops_prompts_committed_lag}, read from the broker every {@code metrics.lag.interval.ms})
 * must peak at least at half of what the case reads from the broker. A class histogram of the live heap is taken twice
 * through {@code jcmd}, once when every prompt has been taken on and once after the burst, to count
 * the waiting prompts on the heap and what each holds there.
 */
public final class BurstCase {

    private static final Pattern METRICS_PORT = Pattern.compile("/health/ready on port (\\d+)");
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
    /**
     * Twice the worker's {@code commit.interval.ms}: by then an unbounded worker has committed the
     * offset of every prompt it was sent, so lag seen later is lag the worker left on the topic.
     */
    static final Duration LAG_GRACE = Duration.ofSeconds(2);

    /**
     * @param heapLimit the workers' {@code -Xmx}, for example {@code 307m} (the heap share of the
     *     container limit in k8s/)
     * @param rssLimitBytes the most resident memory a worker may use (the container limit in k8s/)
     * @param workerSettings extra worker settings
     */
    public record Settings(
            long seed,
            int workers,
            int prompts,
            int maxTokens,
            String heapLimit,
            long rssLimitBytes,
            Map<String, String> workerSettings) {
        public Settings {
            workerSettings = Map.copyOf(workerSettings);
        }
    }

    /** One worker's figures over the burst. */
    record Memory(
            String worker,
            long heapMaxBytes,
            long idleHeapBytes,
            long peakHeapBytes,
            long idleRssBytes,
            long peakRssBytes,
            long highWaterRssBytes,
            long peakBacklog,
            long peakRecordsLag,
            long peakCommittedLag,
            int samples) {}

    /** The consumer group's lag on the prompts topic as the broker has it, over the burst. */
    record Lag(long peak, long lastPositiveAfterSendMillis, int samples) {}

    private BurstCase() {}

    public static CaseResult run(String bootstrapServers, Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        CaseTopics topics = CaseTopics.of("burst-" + settings.seed());
        topics.create(bootstrapServers, Map.of());
        List<PromptSpec> prompts =
                Driver.prompts(topics.prefix(), settings.seed(), settings.prompts(), settings.maxTokens());
        Set<String> ids = new HashSet<>();
        prompts.forEach(p -> ids.add(p.requestId()));
        Map<String, String> workerSettings = new HashMap<>(topics.workerSettings());
        workerSettings.put("worker.generation.threads", "1");
        workerSettings.put("metrics.port", "0"); // each worker picks a free port and logs it
        // As often as the samplers look, so that the exported committed lag can follow the burst.
        workerSettings.put("metrics.lag.interval.ms", Long.toString(SAMPLE_EVERY.toMillis()));
        workerSettings.putAll(settings.workerSettings());
        int generationThreads = Integer.parseInt(workerSettings.get("worker.generation.threads"));
        int maxWaitingPrompts = Integer.parseInt(
                workerSettings.getOrDefault("worker.max.waiting.prompts", Integer.toString(4 * generationThreads)));
        int pollRecords = Integer.parseInt(workerSettings.getOrDefault("kafka.consumer.max.poll.records", "100"));
        // Waiting, plus one poll fetched before the hold began, plus the generations running.
        long backlogBound = (long) maxWaitingPrompts + pollRecords + generationThreads;
        List<String> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (WorkerFleet fleet = new WorkerFleet(
                        bootstrapServers, directory, workerSettings, List.of("-Xmx" + settings.heapLimit()), Map.of());
                Driver driver = new Driver(bootstrapServers, topics.topics(), Map.of());
                Progress progress = new Progress(bootstrapServers, topics.topics(), Map.of())) {
            Map<String, String> expected =
                    fleet.startAll(settings.workers(), () -> Verifier.expectedText(engine, prompts));
            Map<String, Sampler> samplers = new LinkedHashMap<>();
            for (String id : fleet.ids()) {
                samplers.put(
                        id,
                        new Sampler(
                                id,
                                fleet.pid(id),
                                metricsPort(fleet, id),
                                topics.topics().prompts()));
            }
            Thread.sleep(2000); // settle after the first rebalance, then take the idle figures
            for (Sampler sampler : samplers.values()) {
                sampler.sampleIdle();
            }
            List<Thread> threads = new ArrayList<>();
            for (Sampler sampler : samplers.values()) {
                Thread thread = new Thread(sampler, "burst-sampler-" + sampler.worker);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            LagSampler lagSampler = new LagSampler(
                    bootstrapServers,
                    workerSettings.get("worker.application.id"),
                    topics.topics().prompts());
            Thread lagThread = new Thread(lagSampler, "burst-lag-sampler");
            lagThread.setDaemon(true);
            lagThread.start();

            long sendStart = System.nanoTime();
            driver.send(prompts);
            long sentMillis = (System.nanoTime() - sendStart) / 1_000_000;
            lagSampler.sendEnded(System.nanoTime());
            // The backlog is largest once every prompt is taken on: then the live heap holds all of it.
            Map<String, LiveHeap> withBacklog = new HashMap<>();
            awaitAccepted(samplers.values(), prompts.size(), Duration.ofMinutes(2));
            for (Sampler sampler : samplers.values()) {
                withBacklog.put(
                        sampler.worker,
                        liveHeap(sampler, directory.resolve(sampler.worker + "-histogram-backlog.txt")));
            }
            boolean done = progress.await(ids, ids.size(), Duration.ofMinutes(30));
            long burstMillis = (System.nanoTime() - sendStart) / 1_000_000;
            samplers.values().forEach(Sampler::stop);
            lagSampler.stop();
            for (Thread thread : threads) {
                thread.join(5_000);
            }
            lagThread.join(10_000);
            Map<String, LiveHeap> after = new HashMap<>();
            for (Sampler sampler : samplers.values()) {
                after.put(
                        sampler.worker, liveHeap(sampler, directory.resolve(sampler.worker + "-histogram-after.txt")));
            }

            OutputSnapshot.awaitTerminals(
                    bootstrapServers, topics.topics(), Map.of(), expected.keySet(), Duration.ofMinutes(2));
            Thread.sleep(1000); // the last chunks may trail their terminal records by a punctuation
            OutputSnapshot snapshot = OutputSnapshot.read(bootstrapServers, topics.topics(), Map.of());
            Verifier.Report report = Verifier.check(snapshot, new Verifier.Expectations(expected, Map.of()));

            lines.add(String.format(
                    Locale.ROOT,
                    "burst: %d prompts sent in %.1f s, %s answered after %.1f s (%.1f prompts/s over %d workers)",
                    prompts.size(),
                    sentMillis / 1000.0,
                    done ? "all" : "NOT all",
                    burstMillis / 1000.0,
                    prompts.size() * 1000.0 / burstMillis,
                    settings.workers()));
            if (!done) {
                failures.add("the burst was not answered within 30 minutes");
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "queue time (prompt record to generation start): p50 %.1f s, p95 %.1f s, p99 %.1f s",
                    report.queueP50Millis() / 1000,
                    report.queueP95Millis() / 1000,
                    report.queueP99Millis() / 1000));
            for (Sampler sampler : samplers.values()) {
                Memory memory = sampler.memory();
                lines.add(describe(memory, settings));
                if (memory.samples() == 0) {
                    failures.add(memory.worker() + ": no memory sample");
                }
                if (memory.peakHeapBytes() >= memory.heapMaxBytes()) {
                    failures.add(memory.worker() + ": heap in use reached its maximum");
                }
                if (memory.peakBacklog() > backlogBound) {
                    failures.add(memory.worker() + ": backlog peak " + memory.peakBacklog() + " above the bound "
                            + backlogBound);
                }
                if (memory.highWaterRssBytes() >= settings.rssLimitBytes()) {
                    failures.add(memory.worker() + ": resident set " + mib(memory.highWaterRssBytes())
                            + " reached the limit " + mib(settings.rssLimitBytes()));
                }
                lines.add(backlogCost(
                        sampler.worker,
                        withBacklog.get(sampler.worker),
                        after.get(sampler.worker),
                        memory.heapMaxBytes()));
            }
            Lag lag = lagSampler.lag();
            long exportedCommittedLag = 0;
            long exportedRecordsLag = 0;
            for (Sampler sampler : samplers.values()) {
                Memory memory = sampler.memory();
                exportedCommittedLag += memory.peakCommittedLag();
                exportedRecordsLag += memory.peakRecordsLag();
            }
            // With several workers these add up each worker's own peak, which may come at different moments,
            // so they can exceed what the fleet exported at any one time; with one worker they are its peaks.
            lines.add(String.format(
                    Locale.ROOT,
                    "lag peaks on the prompts topic: committed lag read from the broker %d; exported by the workers"
                            + " as specops_prompts_committed_lag %d, as the consumer's records-lag %d",
                    lag.peak(),
                    exportedCommittedLag,
                    exportedRecordsLag));
            // The workers read the same offsets every metrics.lag.interval.ms; half leaves room for a read
            // that missed the peak, and still fails a gauge that, like records-lag, misses the held-back prompts.
            if (2 * exportedCommittedLag < lag.peak()) {
                failures.add("the committed lag the workers exported peaked at " + exportedCommittedLag
                        + ", below half the broker's " + lag.peak());
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "backlog bound per worker: %d (worker.max.waiting.prompts %d + max.poll.records %d + %d running);"
                            + " consumer lag on the prompts topic (committed to end offsets): peak %d, last above"
                            + " zero %.1f s after the send ended (%d samples)",
                    backlogBound,
                    maxWaitingPrompts,
                    pollRecords,
                    generationThreads,
                    lag.peak(),
                    lag.lastPositiveAfterSendMillis() / 1000.0,
                    lag.samples()));
            if (lag.lastPositiveAfterSendMillis() < LAG_GRACE.toMillis()) {
                failures.add("no consumer lag seen " + LAG_GRACE.toSeconds() + " s after the send ended: the workers"
                        + " took the burst off the topic");
            }
            List<String> alive = fleet.alive();
            if (alive.size() != settings.workers()) {
                failures.add("workers alive at the end: " + alive + " of " + fleet.ids());
            }
            lines.add("workers alive at the end: " + alive.size() + "/" + settings.workers());
            lines.addAll(report.lines());
            if (!failures.isEmpty()) {
                lines.add("FAILED (memory or liveness): " + String.join("; ", failures));
            }
            return new CaseResult(
                    "case 7: a burst of " + prompts.size() + " prompts of " + settings.maxTokens() + " tokens ("
                            + settings.workers() + " workers, -Xmx" + settings.heapLimit() + ", RSS limit "
                            + mib(settings.rssLimitBytes()) + ")",
                    lines,
                    report.delivered() && failures.isEmpty(),
                    report);
        }
    }

    private static String describe(Memory memory, Settings settings) {
        return String.format(
                Locale.ROOT,
                "%s: heap in use idle %s, peak %s of max %s (%.0f%%); resident set idle %s, peak sampled %s,"
                        + " high-water mark %s of limit %s (%.0f%%); backlog (accepted, not yet answered) peak %d;"
                        + " records-lag it reported on the prompts topic, peak %d; committed lag it reported"
                        + " (specops_prompts_committed_lag), peak %d; %d samples",
                memory.worker(),
                mib(memory.idleHeapBytes()),
                mib(memory.peakHeapBytes()),
                mib(memory.heapMaxBytes()),
                100.0 * memory.peakHeapBytes() / memory.heapMaxBytes(),
                mib(memory.idleRssBytes()),
                mib(memory.peakRssBytes()),
                mib(memory.highWaterRssBytes()),
                mib(settings.rssLimitBytes()),
                100.0 * memory.highWaterRssBytes() / settings.rssLimitBytes(),
                memory.peakBacklog(),
                memory.peakRecordsLag(),
                memory.peakCommittedLag(),
                memory.samples());
    }

    /**
     * What the waiting prompts hold on the heap, from two class histograms (after full collections),
     * one with the backlog and one without. The total live heap differs by more than the backlog,
     * because the shared n-gram aggregation grows as answers come in; so the figure per prompt sums
     * only the classes with one new object per waiting prompt (the count difference within 5% of the
     * {@code RunningGeneration} difference). Arrays (the prompt's token ids and bytes, text buffers)
     * are shared with everything else and left out, so it is a lower bound, and the backlog that
     * would fill the heap at that cost an upper bound.
     */
    private static String backlogCost(String worker, LiveHeap withBacklog, LiveHeap after, long heapMaxBytes) {
        if (withBacklog == null || after == null || withBacklog.bytes() < 0 || after.bytes() < 0) {
            return worker + ": live heap not measured (no jcmd in this JDK, or it could not attach)";
        }
        long waiting = withBacklog.generations() - after.generations();
        if (waiting <= 0) {
            // With the bound on waiting prompts the last prompts are taken on near the end of the burst.
            return worker + ": live heap (jcmd GC.class_histogram) " + mib(withBacklog.bytes()) + " once every prompt"
                    + " was taken on, " + mib(after.bytes()) + " after the burst; no prompt was waiting then, so"
                    + " the heap per waiting prompt is not measured";
        }
        long perPromptBytes = 0;
        for (Map.Entry<String, long[]> type : withBacklog.classes().entrySet()) {
            long[] before = type.getValue();
            long[] later = after.classes().getOrDefault(type.getKey(), new long[2]);
            double ratio = (before[0] - later[0]) / (double) waiting;
            if (!type.getKey().startsWith("[") && ratio > 0.95 && ratio < 1.05) {
                perPromptBytes += before[1] - later[1];
            }
        }
        perPromptBytes /= waiting;
        String heapFull = perPromptBytes <= 0
                ? "n/a"
                : String.format(Locale.ROOT, "%,d", (heapMaxBytes - after.bytes()) / perPromptBytes);
        return worker + ": live heap (jcmd GC.class_histogram) " + mib(withBacklog.bytes()) + " with "
                + withBacklog.generations() + " RunningGeneration objects (backlog " + withBacklog.backlog() + "), "
                + mib(after.bytes()) + " after the burst with " + after.generations() + "; objects one per waiting"
                + " prompt: at least " + perPromptBytes + " bytes each, arrays not counted; the heap is full before "
                + heapFull + " prompts wait";
    }

    private static void awaitAccepted(Iterable<Sampler> samplers, int prompts, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long accepted = 0;
            for (Sampler sampler : samplers) {
                accepted += sampler.lastAccepted;
            }
            if (accepted >= prompts) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private static int metricsPort(WorkerFleet fleet, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher matcher = METRICS_PORT.matcher(fleet.log(id));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(id + " logged no metrics port:\n" + fleet.tail(id, 20));
    }

    /**
     * The live heap by {@code jcmd <pid> GC.class_histogram} (which collects first): total bytes and
     * {@code RunningGeneration} objects (one per prompt taken on and not yet answered), with the
     * backlog by the worker's counters at that moment; -1 bytes if jcmd failed.
     */
    private record LiveHeap(long bytes, long generations, long backlog, Map<String, long[]> classes) {}

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");
    /** {@code   12:   954   99216  io.specops.streams.RunningGeneration (module)}: instances, bytes, class. */
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    /** One per prompt a worker has taken on and not answered (streams/RunningGeneration). */
    private static final String RUNNING_GENERATION = "io.specops.streams.RunningGeneration";

    /** Keeps the whole histogram in {@code file}, to see what else the backlog holds. */
    private static LiveHeap liveHeap(Sampler sampler, Path file) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return new LiveHeap(-1, -1, -1, Map.of());
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(sampler.pid), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            String histogram = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return new LiveHeap(-1, -1, -1, Map.of());
            }
            Files.writeString(file, histogram, StandardCharsets.UTF_8);
            long total = -1;
            Map<String, long[]> classes = new HashMap<>();
            for (String line : histogram.split("\n")) {
                Matcher totalLine = HISTOGRAM_TOTAL.matcher(line);
                if (totalLine.find()) {
                    total = Long.parseLong(totalLine.group(2));
                }
                Matcher classLine = HISTOGRAM_LINE.matcher(line);
                if (classLine.find()) {
                    classes.put(
                            classLine.group(3),
                            new long[] {Long.parseLong(classLine.group(1)), Long.parseLong(classLine.group(2))});
                }
            }
            long generations = classes.getOrDefault(RUNNING_GENERATION, new long[1])[0];
            return new LiveHeap(total, generations, backlog(scrape(sampler.port)), classes);
        } catch (IOException e) {
            return new LiveHeap(-1, -1, -1, Map.of());
        }
    }

    /**
     * Samples one worker every {@link #SAMPLE_EVERY} until stopped: heap in use and prompts accepted
     * and answered from its {@code /metrics}, resident set from {@code /proc/<pid>/status}.
     */
    static final class Sampler implements Runnable {
        final String worker;
        final long pid;
        final int port;
        private final String promptsTopic;
        private volatile boolean running = true;
        volatile long lastAccepted;
        private long heapMax = -1;
        private long idleHeap = -1;
        private long idleRss = -1;
        private long peakHeap;
        private long peakRss;
        private long peakBacklog;
        private long peakRecordsLag;
        private long peakCommittedLag;
        private int samples;

        Sampler(String worker, long pid, int port, String promptsTopic) {
            this.worker = worker;
            this.pid = pid;
            this.port = port;
            this.promptsTopic = promptsTopic;
        }

        synchronized void sampleIdle() throws IOException {
            Map<String, Double> metrics = scrape(port);
            idleHeap = (long) sum(metrics, "jvm_memory_used_bytes{area=\"heap\"");
            heapMax = (long) sum(metrics, "jvm_memory_max_bytes{area=\"heap\"");
            idleRss = status(pid, "VmRSS");
        }

        @Override
        public void run() {
            while (running) {
                try {
                    Map<String, Double> metrics = scrape(port);
                    long heap = (long) sum(metrics, "jvm_memory_used_bytes{area=\"heap\"");
                    long rss = status(pid, "VmRSS");
                    lastAccepted = (long) sum(metrics, accepted());
                    synchronized (this) {
                        peakHeap = Math.max(peakHeap, heap);
                        peakRss = Math.max(peakRss, rss);
                        peakBacklog = Math.max(peakBacklog, backlog(metrics));
                        peakRecordsLag = Math.max(peakRecordsLag, recordsLag(metrics, promptsTopic));
                        peakCommittedLag = Math.max(peakCommittedLag, committedLag(metrics, promptsTopic));
                        samples++;
                    }
                } catch (IOException e) {
                    // A sample the worker did not answer in time is skipped; the peaks come from the others.
                }
                try {
                    Thread.sleep(SAMPLE_EVERY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            running = false;
        }

        synchronized Memory memory() {
            long highWater = -1;
            try {
                highWater = status(pid, "VmHWM");
            } catch (IOException e) {
                // the process is gone: the sampled peak stands in
            }
            return new Memory(
                    worker,
                    heapMax,
                    idleHeap,
                    peakHeap,
                    idleRss,
                    peakRss,
                    Math.max(highWater, peakRss),
                    peakBacklog,
                    peakRecordsLag,
                    peakCommittedLag,
                    samples);
        }
    }

    /**
     * Samples the consumer group's lag on the prompts topic every {@link #SAMPLE_EVERY}, as KEDA's
     * Kafka scaler reads it: end offsets less committed offsets (none committed counts as 0), summed.
     */
    static final class LagSampler implements Runnable {
        private final String bootstrapServers;
        private final String group;
        private final String topic;
        private volatile boolean running = true;
        private volatile long sendEndedNanos = Long.MAX_VALUE;
        private long peak;
        private long lastPositiveAfterSendMillis = -1;
        private int samples;

        LagSampler(String bootstrapServers, String group, String topic) {
            this.bootstrapServers = bootstrapServers;
            this.group = group;
            this.topic = topic;
        }

        void sendEnded(long nanos) {
            sendEndedNanos = nanos;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                while (running) {
                    try {
                        long lag = GroupLag.of(admin, group, topic, Duration.ofSeconds(5));
                        long now = System.nanoTime();
                        synchronized (this) {
                            peak = Math.max(peak, lag);
                            if (lag > 0 && now > sendEndedNanos) {
                                lastPositiveAfterSendMillis = (now - sendEndedNanos) / 1_000_000;
                            }
                            samples++;
                        }
                    } catch (ExecutionException | TimeoutException | KafkaException e) {
                        // A sample the broker did not answer in time is skipped.
                    }
                    Thread.sleep(SAMPLE_EVERY.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized Lag lag() {
            return new Lag(peak, lastPositiveAfterSendMillis, samples);
        }
    }

    /** The committed lag a worker exports for {@code topic}, summed over the partitions it owns. */
    private static long committedLag(Map<String, Double> metrics, String topic) {
        String name = MetricNames.prometheusName(MetricNames.PROMPTS_COMMITTED_LAG, MetricNames.Kind.GAUGE) + "{";
        return (long) labelled(metrics, name, "topic=\"" + topic + "\"");
    }

    private static double labelled(Map<String, Double> metrics, String name, String label) {
        double total = 0;
        for (Map.Entry<String, Double> series : metrics.entrySet()) {
            if (series.getKey().startsWith(name)
                    && series.getKey().contains(label)
                    && !series.getValue().isNaN()) {
                total += series.getValue();
            }
        }
        return total;
    }

    /** The consumer's {@code records-lag} on {@code topic} as a worker exports it, summed over partitions. */
    private static long recordsLag(Map<String, Double> metrics, String topic) {
        String name = MetricNames.prometheusName(MetricNames.KAFKA_CONSUMER_RECORDS_LAG, MetricNames.Kind.GAUGE) + "{";
        return (long) labelled(metrics, name, "topic=\"" + topic + "\"");
    }

    private static String accepted() {
        return MetricNames.prometheusName(MetricNames.REQUESTS_ACCEPTED, MetricNames.Kind.COUNTER);
    }

    /** Prompts taken on and not yet answered (finished or failed). */
    private static long backlog(Map<String, Double> metrics) {
        double answered = sum(
                        metrics, MetricNames.prometheusName(MetricNames.REQUEST_SUCCESS, MetricNames.Kind.COUNTER))
                + sum(metrics, MetricNames.prometheusName(MetricNames.REQUEST_FAILURE, MetricNames.Kind.COUNTER));
        return (long) (sum(metrics, accepted()) - answered);
    }

    /** The sum of every series whose name and labels start with {@code prefix}. */
    static double sum(Map<String, Double> metrics, String prefix) {
        double total = 0;
        for (Map.Entry<String, Double> series : metrics.entrySet()) {
            String name = series.getKey();
            boolean sameName = name.equals(prefix) || name.startsWith(prefix + "{");
            boolean withLabels = prefix.contains("{") && name.startsWith(prefix);
            if (sameName || withLabels) {
                total += series.getValue();
            }
        }
        return total;
    }

    /** Every sample line of a Prometheus text page, by series (name with labels). */
    static Map<String, Double> parse(String page) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : page.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                // a value this parser does not know (NaN is parsed) is left out
            }
        }
        return series;
    }

    private static Map<String, Double> scrape(int port) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        connection.setConnectTimeout(1000);
        connection.setReadTimeout(5000);
        try (InputStream body = connection.getInputStream()) {
            return parse(new String(body.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            connection.disconnect();
        }
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, in bytes. */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }
}
