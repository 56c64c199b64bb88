package io.specops.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the key-value view the configuration is read from, in increasing precedence: a properties
 * file, then environment variables, then command-line flags.
 *
 * <p>Environment variables follow the convention of the Apache Kafka container image: strip the
 * prefix {@value #ENV_PREFIX}, lower-case, and read {@code _} as {@code .}, so
 * {@code SPECOPS_MODEL_INTRA_OP_THREADS} sets {@code model.intra.op.threads}. A {@code __} stands
 * for a literal {@code _}.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "SPECOPS_";

    /** Variables with the prefix that are not settings: logback.xml reads SPECOPS_LOG_LEVEL itself. */
    private static final java.util.Set<String> NOT_SETTINGS = java.util.Set.of("SPECOPS_LOG_LEVEL");

    private ConfigSources() {}

    public static Map<String, String> layered(
            Path propertiesFile, Map<String, String> environment, Map<String, String> flags) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (propertiesFile != null) {
            merged.putAll(readProperties(propertiesFile));
        }
        merged.putAll(fromEnvironment(environment));
        merged.putAll(flags);
        return merged;
    }

    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !NOT_SETTINGS.contains(name)) {
                String key = name.substring(ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace("__", "\u0000")
                        .replace('_', '.')
                        .replace('\u0000', '_');
                settings.put(key, value);
            }
        });
        return settings;
    }

    public static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(java.util.List.of("cannot read properties file " + file + ": " + e.getMessage()));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties
                .stringPropertyNames()
                .forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }
}
