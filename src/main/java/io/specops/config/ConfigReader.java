package io.specops.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads from a key-value map that collect every problem instead of stopping at the first.
 * Unknown keys are reported too, so a misspelt setting does not go unnoticed.
 */
public final class ConfigReader {

    private final Map<String, String> values;
    private final Set<String> consumed = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(Map<String, String> values) {
        // A private copy: finish() reports unknown keys from this map, so it must be the one the reads saw.
        this.values = new LinkedHashMap<>(values);
    }

    public String string(String key, String fallback) {
        consumed.add(key);
        String value = values.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public int integer(String key, int fallback, int min, int max) {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                problem(key + " must be in [" + min + ", " + max + "] but was " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(key + " must be an integer but was '" + text + "'");
            return fallback;
        }
    }

    public double decimal(String key, double fallback, double min, double max) {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text);
            if (!(value >= min && value <= max)) {
                problem(key + " must be in [" + min + ", " + max + "] but was " + value);
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            problem(key + " must be a number but was '" + text + "'");
            return fallback;
        }
    }

    public boolean bool(String key, boolean fallback) {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            problem(key + " must be true or false but was '" + text + "'");
            return fallback;
        }
        return Boolean.parseBoolean(text);
    }

    public String oneOf(String key, String fallback, List<String> allowed) {
        String value = string(key, fallback);
        if (!allowed.contains(value)) {
            problem(key + " must be one of " + allowed + " but was '" + value + "'");
            return fallback;
        }
        return value;
    }

    /** All entries whose key starts with {@code prefix}, with the prefix removed; marks them as known. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                consumed.add(key);
                result.put(key.substring(prefix.length()), value);
            }
        });
        return result;
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Throws one {@link ConfigException} naming every problem and every unknown key, if any. */
    public void finish() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(consumed);
        for (String key : unknown) {
            problems.add("unknown setting '" + key + "'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
