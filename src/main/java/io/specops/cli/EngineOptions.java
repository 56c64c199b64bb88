package io.specops.cli;

import io.specops.config.ConfigSources;
import io.specops.config.SpecOpsConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that loads a model shares; they override the properties file and environment. */
final class EngineOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings.")
    Path configFile;

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: models/stories260k).")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: 1).")
    Integer threads;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any setting, for example --set speculation.max.draft.tokens=8.")
    Map<String, String> settings = new LinkedHashMap<>();

    SpecOpsConfig config() {
        return config(model);
    }

    /** The settings as {@link #config()} reads them, but for the model in {@code modelDirectory}. */
    SpecOpsConfig config(Path modelDirectory) {
        Map<String, String> flags = new LinkedHashMap<>(settings);
        if (modelDirectory != null) {
            flags.put("model.dir", modelDirectory.toString());
        }
        if (threads != null) {
            flags.put("model.intra.op.threads", threads.toString());
        }
        return SpecOpsConfig.from(ConfigSources.layered(configFile, System.getenv(), flags));
    }
}
