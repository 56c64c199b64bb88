package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specops.TestModels;
import io.specops.client.CompletionHandle;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.config.SpecOpsConfig;
import io.specops.config.WorkerConfig;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import io.specops.streams.TopicSetup;
import io.specops.streams.Topics;
import io.specops.streams.Worker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real worker (stories260k, embedded KRaft broker) under load, its /metrics scraped by a real
 * Prometheus every second. Checks that the Prometheus counters add up to the per-request metrics
 * records, and that every dashboard panel and every alert signal returns data.
 *
 * <p>The Prometheus half needs Debian's {@code prometheus} package ({@code .ci/run} installs it).
 * Without it the Prometheus test is skipped on a developer machine and fails in CI (where {@code
 * CI} is set); the reconciliation runs either way.
 */
class MonitoringIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = Topics.defaults();
    private static final int GOOD_PROMPTS = 10;
    private static final int BAD_RECORDS = 2;

    @TempDir
    static Path directory;

    private static EmbeddedKafka kafka;
    private static Engine engine;
    private static WorkerMetrics metrics;
    private static MetricsServer metricsServer;
    private static Worker worker;
    private static PrometheusServer prometheus;
    private static List<JsonNode> metricsRecords;

    @BeforeAll
    static void runLoad() throws Exception {
        kafka = EmbeddedKafka.start(directory.resolve("kafka"));
        TopicSetup.ensure(kafka.bootstrapServers(), Map.of(), TOPICS, 3, (short) 1);
        metrics = WorkerMetrics.create();
        metricsServer = metrics.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT);
        metrics.modelLoaded(
                engine.modelDirectory(), engine.model().sha256(), engine.model().verified());
        WorkerConfig config = workerConfig(kafka.bootstrapServers(), directory.resolve("state"));
        worker = new Worker(
                        config,
                        engine,
                        metrics.observer(),
                        streams -> metrics.bindKafkaStreams(
                                streams::metrics, () -> streams.state().name()))
                .start();
        metrics.bindRunningGenerations(worker.counters().running::get);
        metrics.bindWaitingPrompts(worker.counters().waiting::get, worker.counters().heldBackPartitions::get);
        metrics.bindNgramStore(engine.ngrams()::size, engine.ngrams()::lookups, engine.ngrams()::hits);
        metrics.bindCommittedLag(worker.settings().topics().prompts(), worker::committedLag);
        worker.awaitRunning(Duration.ofSeconds(60));
        if (PrometheusServer.installed()) {
            prometheus = PrometheusServer.start(prometheusConfig(metricsServer.port()), directory);
        }
        sendLoad();
        metricsRecords = readMetricsRecords(GOOD_PROMPTS);
    }

    private static WorkerConfig workerConfig(String bootstrapServers, Path stateDirectory) {
        return SpecOpsConfig.from(Map.of(
                        "kafka.bootstrap.servers", bootstrapServers,
                        "worker.application.id", "monitoring-it",
                        "worker.id", "monitoring-it",
                        "worker.state.dir", stateDirectory.toString(),
                        "worker.generation.threads", "2",
                        "metrics.lag.interval.ms", "500",
                        "metrics.port", "-1"))
                .worker();
    }

    /** A scrape config like monitoring/prometheus/prometheus.yml, for this worker, with the committed alert rules. */
    private static Path prometheusConfig(int metricsPort) throws IOException {
        Path config = directory.resolve("prometheus.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "  evaluation_interval: 1s",
                        "rule_files:",
                        "  - " + MonitoringFiles.ALERTS,
                        "scrape_configs:",
                        "  - job_name: specops-worker",
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + metricsPort + "']",
                        ""));
        return config;
    }

    /**
     * Prompts that draft well and prompts that do not, with and without speculation, plus bad
     * records, in two waves. Prometheus scrapes between them, so every rate it computes has two
     * different samples to work from.
     */
    private static void sendLoad() throws Exception {
        List<String> prompts = List.of(
                "Once upon a time, there was a little dog named Max.",
                "The cat sat on the mat. The cat sat on the mat. The cat sat on the mat.",
                "Lily and Tim went to the park. They saw a big dog!",
                "One, two, three, four. One, two, three, four. One, two,",
                "Sam had a new toy car that could go very fast.");
        try (SpecOpsClient client = new SpecOpsClient(kafka.bootstrapServers())) {
            int firstWave = GOOD_PROMPTS / 2;
            client.sendRaw(
                    "not-json".getBytes(StandardCharsets.UTF_8), "{\"request_id\":".getBytes(StandardCharsets.UTF_8));
            List<CompletionHandle> handles = new ArrayList<>();
            for (int i = 0; i < GOOD_PROMPTS; i++) {
                if (i == firstWave) {
                    awaitFinished(handles);
                    awaitScraped(firstWave);
                    CompletionResult zeroTokens = client.submit(
                                    new PromptSpec("zero-tokens", null, "hi", 0, 0.0, 1.0, 0, 0, List.of(), true))
                            .result()
                            .get(60, TimeUnit.SECONDS);
                    assertThat(zeroTokens.finished()).isFalse();
                }
                PromptSpec spec = PromptSpec.of(prompts.get(i % prompts.size()), 24 + 8 * i);
                handles.add(client.submit(i % 4 == 3 ? spec.withSpeculation(false) : spec));
            }
            awaitFinished(handles);
            awaitScraped(GOOD_PROMPTS);
        }
    }

    private static void awaitFinished(List<CompletionHandle> handles) throws Exception {
        for (CompletionHandle handle : handles) {
            assertThat(handle.result().get(60, TimeUnit.SECONDS).finished()).isTrue();
        }
    }

    /** Waits until Prometheus has scraped {@code finished} finished requests (at once without Prometheus). */
    private static void awaitScraped(int finished) throws Exception {
        if (prometheus == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (prometheus.scalar("sum(specops_request_success_total)") != finished
                || prometheus
                        .query("kafka_consumer_fetch_manager_records_lag{topic=\"" + TOPICS.prompts() + "\"}")
                        .isEmpty()
                || prometheus
                        .query("specops_prompts_committed_lag{topic=\"" + TOPICS.prompts() + "\"}")
                        .isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Prometheus did not scrape " + finished + " finished requests: " + prometheus.log());
            }
            Thread.sleep(100);
        }
    }

    private static List<JsonNode> readMetricsRecords(int expected) throws IOException {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<JsonNode> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPICS.metrics()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records.add(JSON.readTree(record.value()));
                }
            }
        }
        assertThat(records).hasSize(expected);
        return records;
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void the_prometheus_counters_add_up_to_the_per_request_metrics_records() throws Exception {
        PrometheusText scrape = new PrometheusText(get("/metrics"));

        assertThat(scrape.sum("specops_request_success_total")).isEqualTo(metricsRecords.size());
        for (String reason : MetricNames.FINISHED_REASONS) {
            long records = metricsRecords.stream()
                    .filter(r -> r.path("finish_reason").asText().equals(reason))
                    .count();
            assertThat(scrape.value("specops_request_success_total{finished_reason=\"" + reason + "\"}"))
                    .as(reason)
                    .isEqualTo(records);
        }
        assertThat(scrape.sum("specops_prompt_tokens_total")).isEqualTo(sum("prompt_tokens"));
        assertThat(scrape.sum("specops_generation_tokens_total")).isEqualTo(sum("generated_tokens"));
        assertThat(scrape.sum("specops_spec_decode_drafts_total")).isEqualTo(sum("verify_steps"));
        assertThat(scrape.sum("specops_spec_decode_draft_tokens_total")).isEqualTo(sum("drafted_tokens"));
        assertThat(scrape.sum("specops_spec_decode_accepted_tokens_total")).isEqualTo(sum("accepted_tokens"));
        assertThat(sum("accepted_tokens")).as("speculation accepted something").isPositive();
        assertThat(scrape.sum("specops_spec_decode_tie_replays_total")).isEqualTo(sum("tie_replays"));

        assertThat(scrape.sum("specops_time_to_first_token_seconds_count")).isEqualTo(metricsRecords.size());
        assertThat(scrape.sum("specops_time_to_first_token_seconds_sum"))
                .isCloseTo(sum("time_to_first_token_ms") / 1e3, within(1e-6));
        assertThat(scrape.sum("specops_request_queue_time_seconds_sum"))
                .isCloseTo(sum("queue_time_ms") / 1e3, within(1e-6));
        assertThat(scrape.sum("specops_e2e_request_latency_seconds_sum"))
                .isCloseTo((sum("queue_time_ms") + sum("total_ms")) / 1e3, within(1e-6));
        // One inter-token gap per token after the first; a request's gaps add up to its first-to-last token time.
        assertThat(scrape.sum("specops_inter_token_latency_seconds_count"))
                .isEqualTo(sum("generated_tokens") - metricsRecords.size());
        assertThat(scrape.sum("specops_inter_token_latency_seconds_sum"))
                .isCloseTo((sum("total_ms") - sum("time_to_first_token_ms")) / 1e3, within(1e-6));

        String perPosition = MetricNames.prometheusName(
                MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION, MetricNames.Kind.COUNTER);
        for (int label = 0; label < MetricNames.MAX_DRAFT_POSITION_LABELS; label++) {
            String position = MetricNames.draftPositionLabel(label);
            assertThat(scrape.value(perPosition + "{position=\"" + position + "\"}"))
                    .as("position " + position)
                    .isEqualTo(acceptedAtLabel(position));
        }
        assertThat(scrape.sum(perPosition)).isEqualTo(sum("accepted_tokens"));
        assertThat(acceptedAtLabel("1"))
                .as("drafts accepted beyond their first token")
                .isPositive();

        assertThat(scrape.sum("specops_requests_accepted_total")).isEqualTo(GOOD_PROMPTS);
        assertThat(scrape.sum("specops_prompts_dead_lettered_total")).isEqualTo(BAD_RECORDS);
        assertThat(scrape.value("specops_prompts_dead_lettered_total{code=\"malformed_json\"}"))
                .isEqualTo(1);
        assertThat(scrape.value("specops_prompts_dead_lettered_total{code=\"invalid_request\"}"))
                .isEqualTo(1);
        assertThat(scrape.sum("specops_request_failure_total")).isZero();
        assertThat(scrape.value("specops_worker_ready")).isEqualTo(1);
        assertThat(scrape.value("specops_worker_state{state=\"RUNNING\"}")).isEqualTo(1);
    }

    @Test
    void every_dashboard_panel_and_alert_signal_returns_data_from_a_real_prometheus() throws Exception {
        boolean inCi = System.getenv("CI") != null;
        if (!PrometheusServer.installed()) {
            assertThat(inCi)
                    .as("CI must run this test: .ci/run installs Debian's prometheus package")
                    .isFalse();
            Assumptions.abort("prometheus is not installed (apt-get install prometheus)");
        }
        List<String> empty = new ArrayList<>();
        for (MonitoringFiles.PanelQuery query : MonitoringFiles.panelQueries()) {
            if (!hasNumber(prometheus.query(query.promql()))) {
                empty.add(query.panel() + ": " + query.promql());
            }
        }
        for (MonitoringFiles.AlertRule rule : MonitoringFiles.alertRules()) {
            if (!hasNumber(prometheus.query(rule.signal()))) {
                empty.add(rule.name() + ": " + rule.signal());
            }
            // The whole expression must evaluate too; it may be empty, since the worker is healthy.
            prometheus.query(rule.expr());
        }
        assertThat(empty)
                .as("queries without a number (no series, or only NaN)")
                .isEmpty();
        assertThat(prometheus.scalar("sum(specops_request_success_total)")).isEqualTo(GOOD_PROMPTS);
        assertThat(prometheus.scalar(
                        "count(specops_model_info{sha256=\"" + engine.model().sha256() + "\"})"))
                .isEqualTo(1);
    }

    @Test
    void promtool_accepts_the_configuration_and_the_rules_and_the_rules_pass_their_unit_tests() throws Exception {
        boolean inCi = System.getenv("CI") != null;
        if (!PrometheusServer.installed()) {
            assertThat(inCi).as("CI must run this test").isFalse();
            Assumptions.abort("promtool is not installed (apt-get install prometheus)");
        }
        Path rules = MonitoringFiles.PROMETHEUS_DIRECTORY;
        for (String[] arguments : new String[][] {
            {"check", "config", "prometheus.yml"},
            {"check", "config", directory.resolve("prometheus.yml").toString()},
            {"check", "rules", "alerts.yml"},
            {"test", "rules", "alerts.test.yml"}
        }) {
            PrometheusServer.ToolResult result = PrometheusServer.promtool(rules, arguments);
            assertThat(result.exitCode())
                    .as(String.join(" ", arguments) + ":\n" + result.output())
                    .isZero();
        }
    }

    /** At least one series with a finite value: a quantile over a rate that never moved would be NaN. */
    private static boolean hasNumber(JsonNode result) {
        for (JsonNode series : result) {
            if (Double.isFinite(series.path("value").get(1).asDouble())) {
                return true;
            }
        }
        return false;
    }

    /** Accepted tokens at the draft positions that share {@code label}, over every metrics record. */
    private static double acceptedAtLabel(String label) {
        double accepted = 0;
        for (JsonNode record : metricsRecords) {
            JsonNode byPosition = record.path("accepted_tokens_per_position");
            for (int position = 0; position < byPosition.size(); position++) {
                if (MetricNames.draftPositionLabel(position).equals(label)) {
                    accepted += byPosition.get(position).asInt();
                }
            }
        }
        return accepted;
    }

    private static double sum(String field) {
        return metricsRecords.stream()
                .mapToDouble(r -> r.path(field).asDouble())
                .sum();
    }

    private static String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsServer.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
