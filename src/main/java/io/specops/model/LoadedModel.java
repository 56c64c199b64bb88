package io.specops.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model directory loaded and checked: the ONNX target model, its tokenizer and its settings.
 * Holds native memory; close it.
 */
public final class LoadedModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadedModel.class);

    private final Path directory;
    private final String sha256;
    private final OnnxTargetModel target;
    private final HfTokenizer tokenizer;
    private final ModelConfig config;

    private LoadedModel(
            Path directory, String sha256, OnnxTargetModel target, HfTokenizer tokenizer, ModelConfig config) {
        this.directory = directory;
        this.sha256 = sha256;
        this.target = target;
        this.tokenizer = tokenizer;
        this.config = config;
    }

    /**
     * Loads {@code model.onnx} (with its external data, if any), {@code tokenizer.json} and the
     * configuration from {@code directory}, after verifying its {@code SHA256SUMS} manifest if present.
     */
    public static LoadedModel load(Path directory, SessionSettings settings) {
        ModelFiles files = new ModelFiles(directory);
        boolean verified = files.verifyManifest();
        Path modelFile = files.require("model.onnx", "the ONNX decoder");
        Path tokenizerFile = files.require("tokenizer.json", "the Hugging Face tokenizer");
        if (Files.exists(files.directory().resolve("model.onnx.data"))) {
            files.require("model.onnx.data", "model.onnx's external weights");
        }
        ModelConfig config = ModelConfig.read(files.directory());
        String sha256 = ModelFiles.sha256(modelFile);
        OnnxTargetModel target = new OnnxTargetModel(modelFile, settings, config);
        HfTokenizer tokenizer;
        try {
            tokenizer = new HfTokenizer(tokenizerFile);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        log.info(
                "Model loaded from {} (sha256 {}, manifest {}): {}; context {} tokens, end ids {}; "
                        + "ONNX Runtime intra-op threads {}, optimization {}",
                files.directory(),
                sha256,
                verified ? "verified" : "absent",
                target.describeLayout(),
                config.contextLength(),
                java.util.Arrays.toString(config.endTokenIds()),
                settings.intraOpThreads(),
                settings.optimizationLevel());
        return new LoadedModel(files.directory(), sha256, target, tokenizer, config);
    }

    public Path directory() {
        return directory;
    }

    /** SHA-256 of {@code model.onnx}, hex. */
    public String sha256() {
        return sha256;
    }

    public OnnxTargetModel target() {
        return target;
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    public int[] endTokenIds() {
        return config.endTokenIds().clone();
    }

    public int bosTokenId() {
        return config.bosTokenId();
    }

    @Override
    public void close() {
        tokenizer.close();
        target.close();
    }
}
