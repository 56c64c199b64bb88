package io.specops.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The health endpoint of a worker process started with {@code metrics.port} 0, as a probe sees it. */
final class HealthProbe {

    private static final Pattern SERVING = Pattern.compile("/health/ready on port (\\d+)");

    private HealthProbe() {}

    /** The port the worker's health endpoint listens on, once its log says so; else -1. */
    static int loggedPort(String log) {
        Matcher matcher = SERVING.matcher(log);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** The status of GET /health/ready on 127.0.0.1, or 0 when nothing answers. */
    static int readyStatus(int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health/ready")
                    .toURL()
                    .openConnection();
            connection.setConnectTimeout(200);
            connection.setReadTimeout(500);
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        } catch (IOException e) {
            return 0;
        }
    }
}
