package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real endpoint on a free loopback port, driven through the health state it reports. */
class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<String> streamsState = new AtomicReference<>("CREATED");
    private WorkerMetrics metrics;
    private MetricsServer server;

    @BeforeEach
    void start() throws IOException {
        metrics = WorkerMetrics.create();
        server = metrics.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    @Test
    void a_worker_loading_its_model_is_live_but_not_ready() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body())
                .isEqualTo(
                        "{\"status\":\"DOWN\",\"state\":\"STARTING\",\"model_loaded\":false,\"model_verified\":false}\n");
    }

    @Test
    void ready_needs_both_the_verified_model_and_kafka_streams_running() throws Exception {
        metrics.bindKafkaStreams(java.util.Map::of, streamsState::get);
        streamsState.set("RUNNING");
        assertThat(get("/health/ready").statusCode()).as("model not loaded yet").isEqualTo(503);

        metrics.modelLoaded(Path.of("models/stories260k"), "ab".repeat(32), true);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body()).contains("specops_worker_ready 1.0");

        assertThat(get("/health/ready").body())
                .isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\",\"model_loaded\":true,\"model_verified\":true}\n");

        streamsState.set("REBALANCING");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body())
                .contains("specops_worker_ready 0.0")
                .contains("specops_worker_state{state=\"REBALANCING\"} 1.0")
                .contains("specops_worker_state{state=\"RUNNING\"} 0.0");
    }

    @Test
    void a_model_loaded_without_a_manifest_keeps_a_running_worker_live_but_never_ready() throws Exception {
        metrics.bindKafkaStreams(java.util.Map::of, streamsState::get);
        streamsState.set("RUNNING");
        metrics.modelLoaded(Path.of("models/unlisted"), "ef".repeat(32), false);

        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body())
                .isEqualTo(
                        "{\"status\":\"DOWN\",\"state\":\"RUNNING\",\"model_loaded\":true,\"model_verified\":false}\n");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body())
                .contains("specops_worker_ready 0.0")
                .containsPattern("specops_model_info\\{model=\"unlisted\",sha256=\"(ef){32}\",verified=\"false\"} 1\n");
    }

    @Test
    void a_worker_in_error_or_not_running_is_not_live() throws Exception {
        metrics.modelLoaded(Path.of("models/stories260k"), "ab".repeat(32), true);
        metrics.bindKafkaStreams(java.util.Map::of, streamsState::get);
        for (String dead : new String[] {"ERROR", "NOT_RUNNING"}) {
            streamsState.set(dead);
            HttpResponse<String> live = get("/health/live");
            assertThat(live.statusCode()).as(dead).isEqualTo(503);
            assertThat(live.body()).contains("\"state\":\"" + dead + "\"");
        }
        for (String alive : new String[] {"CREATED", "REBALANCING", "RUNNING", "PENDING_SHUTDOWN", "PENDING_ERROR"}) {
            streamsState.set(alive);
            assertThat(get("/health/live").statusCode()).as(alive).isEqualTo(200);
        }
    }

    @Test
    void metrics_are_prometheus_text_with_the_model_info_the_jvm_and_the_request_meters() throws Exception {
        metrics.modelLoaded(Path.of("models/stories260k"), "cd".repeat(32), true);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsServer.PROMETHEUS_TEXT);
        // Micrometer renders an _info gauge as Prometheus' info type, whose value prints as a bare 1.
        assertThat(response.body())
                .containsPattern(
                        "specops_model_info\\{model=\"stories260k\",sha256=\"(cd){32}\",verified=\"true\"} 1\n")
                .contains("# TYPE specops_time_to_first_token_seconds histogram")
                .contains("specops_time_to_first_token_seconds_bucket{le=\"0.001\"} 0")
                .contains("specops_request_success_total{finished_reason=\"stop\"} 0.0")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage")
                .contains("jvm_threads_live_threads")
                .contains("jvm_gc_max_data_size_bytes");
    }

    @Test
    void other_paths_are_not_found_and_other_methods_not_allowed() throws Exception {
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/health/live/extra").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(uri("/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void the_states_listed_for_the_state_gauge_are_kafka_streams_own() {
        assertThat(MetricNames.KAFKA_STREAMS_STATES)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(KafkaStreams.State.values())
                        .map(Enum::name)
                        .toList());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
