package io.specops.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The samples of a Prometheus text exposition, by series (name and labels as written). */
final class PrometheusText {

    private final Map<String, Double> samples = new LinkedHashMap<>();

    PrometheusText(String exposition) {
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    /** The sum over every series of {@code name}, whatever its labels; 0 when there is none. */
    double sum(String name) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    /** The value of one series, written exactly as the exposition writes it. */
    double value(String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError("no series " + series + " among " + samples.keySet());
        }
        return value;
    }

    /** Series names (without labels) that start with {@code prefix}. */
    java.util.Set<String> names(String prefix) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String series : samples.keySet()) {
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        }
        return names;
    }
}
