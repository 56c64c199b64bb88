package io.specops;

import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.engine.EngineSettings;
import io.specops.model.LoadedModel;
import io.specops.model.SessionSettings;
import java.nio.file.Path;

/** The two real models the tests run: the bundled default and the fp16 format fixture. */
public final class TestModels {

    private TestModels() {}

    public static Path projectDirectory() {
        return Path.of(System.getProperty("specops.project.dir", ".")).toAbsolutePath();
    }

    /** stories260k: fp32, standard ONNX ops, Hugging Face config files. */
    public static Path stories() {
        return projectDirectory().resolve("models/stories260k");
    }

    /** tiny-random-llama-fp16: fp16, contrib ops, external data, genai_config.json. */
    public static Path tinyRandomFp16() {
        return projectDirectory().resolve("src/test/resources/models/tiny-random-llama-fp16");
    }

    public static LoadedModel load(Path directory) {
        return LoadedModel.load(directory, SessionSettings.DEFAULT);
    }

    public static Engine engine(Path directory, SpeculationSettings speculation) {
        return Engine.start(new EngineSettings(
                directory, SessionSettings.DEFAULT, speculation, 0, 0.05, io.specops.engine.NgramSettings.DEFAULT));
    }
}
