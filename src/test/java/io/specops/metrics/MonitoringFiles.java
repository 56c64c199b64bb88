package io.specops.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.specops.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The queries of the committed dashboard and alert rules, as the tests evaluate them. */
final class MonitoringFiles {

    static final Path MONITORING = TestModels.projectDirectory().resolve("monitoring");
    static final Path PROMETHEUS_DIRECTORY = MONITORING.resolve("prometheus");
    static final Path ALERTS = PROMETHEUS_DIRECTORY.resolve("alerts.yml");
    static final Path DASHBOARD = MONITORING.resolve("grafana/dashboards/specops-worker.json");
    static final Path DATASOURCE = MONITORING.resolve("grafana/provisioning/datasources/prometheus.yml");

    /** Grafana widens {@code $__rate_interval} to at least four scrape intervals; the tests scrape every second. */
    static final String RATE_INTERVAL = "1m";

    /**
     * An alert's expression is {@code <signal> <comparison> <threshold>}: the signal must return data
     * whenever the worker runs, the comparison decides whether it fires.
     */
    private static final Pattern ALERT_FORM =
            Pattern.compile("(?s)^(?<signal>.+?)\\s*(?<op>>=|<=|==|!=|>|<)\\s*(?<threshold>-?[0-9.]+(e-?[0-9]+)?)$");

    private MonitoringFiles() {}

    record PanelQuery(String panel, String expr) {
        /** The query as Prometheus gets it from Grafana, with the dashboard's interval variable filled in. */
        String promql() {
            return expr.replace("$__rate_interval", RATE_INTERVAL);
        }
    }

    record AlertRule(String name, String expr, String signal, String comparison, double threshold) {}

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    static List<PanelQuery> panelQueries() throws IOException {
        List<PanelQuery> queries = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new PanelQuery(
                        panel.path("title").asText(), target.path("expr").asText()));
            }
        }
        return queries;
    }

    static List<AlertRule> alertRules() throws IOException {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : new YAMLMapper().readTree(ALERTS.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String expr = rule.path("expr").asText().trim();
                Matcher form = ALERT_FORM.matcher(expr);
                if (!form.matches()) {
                    throw new AssertionError("alert " + rule.path("alert").asText()
                            + " is not '<signal> <comparison> <threshold>': " + expr);
                }
                rules.add(new AlertRule(
                        rule.path("alert").asText(),
                        expr,
                        form.group("signal"),
                        form.group("op"),
                        Double.parseDouble(form.group("threshold"))));
            }
        }
        return rules;
    }

    /** Every metric name a query mentions, found as the identifiers with one of the {@code prefixes}. */
    static List<String> metricNames(String promql, String... prefixes) {
        List<String> names = new ArrayList<>();
        Matcher identifier = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(promql);
        while (identifier.find()) {
            for (String prefix : prefixes) {
                if (identifier.group().startsWith(prefix)) {
                    names.add(identifier.group());
                }
            }
        }
        return names;
    }
}
