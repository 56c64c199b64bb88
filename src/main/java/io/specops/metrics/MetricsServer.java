package io.specops.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP endpoint, on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format 0.0.4
 *   <li>{@code GET /health/live}: 200 while the worker is live, else 503 (see {@link WorkerHealth})
 *   <li>{@code GET /health/ready}: 200 while it is ready, else 503
 * </ul>
 *
 * Health bodies are one JSON object:
 * {@code {"status":"UP","state":"RUNNING","model_loaded":true,"model_verified":true}}.
 * Two threads serve requests, so a slow scrape cannot hold up a probe. Close it to free the port.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService threads;

    private MetricsServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    static MetricsServer start(InetSocketAddress address, Supplier<String> scrape, WorkerHealth health) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + " for /metrics and /health", e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2, daemonThreads());
        server.setExecutor(threads);
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                respond(exchange, 200, PROMETHEUS_TEXT, scrape.get());
            }
        });
        server.createContext("/health/live", exchange -> {
            if (allowed(exchange)) {
                respondHealth(exchange, health, health.live());
            }
        });
        server.createContext("/health/ready", exchange -> {
            if (allowed(exchange)) {
                respondHealth(exchange, health, health.ready());
            }
        });
        server.start();
        MetricsServer started = new MetricsServer(server, threads);
        log.info("Serving /metrics, /health/live and /health/ready on port {}", started.port());
        return started;
    }

    /** The port listened on; the one picked when the address asked for port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String context = exchange.getHttpContext().getPath();
        if (!path.equals(context)) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return false;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
            return false;
        }
        return true;
    }

    private static void respondHealth(HttpExchange exchange, WorkerHealth health, boolean up) throws IOException {
        String body = "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + health.state()
                + "\",\"model_loaded\":" + health.modelLoaded() + ",\"model_verified\":" + health.modelVerified()
                + "}\n";
        respond(exchange, up ? 200 : 503, "application/json", body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "metrics-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
