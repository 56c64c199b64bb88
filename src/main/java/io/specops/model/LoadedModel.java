package io.specops.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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
    private final boolean verified;
    private final OnnxTargetModel target;
    private final HfTokenizer tokenizer;
    private final ModelConfig config;

    private LoadedModel(
            Path directory,
            String sha256,
            boolean verified,
            OnnxTargetModel target,
            HfTokenizer tokenizer,
            ModelConfig config) {
        this.directory = directory;
        this.sha256 = sha256;
        this.verified = verified;
        this.target = target;
        this.tokenizer = tokenizer;
        this.config = config;
    }

    /**
     * Loads {@code model.onnx} (with its external data, if any), {@code tokenizer.json} and the
     * configuration from {@code directory}. When the directory has a {@code SHA256SUMS} manifest,
     * every file it lists is checked first, and it must list every file loaded; a mismatch is
     * refused. A directory without a manifest is loaded unverified ({@link #verified()} false), with
     * a warning: callers that need verified files call {@link #requireManifest} first.
     */
    public static LoadedModel load(Path directory, SessionSettings settings) {
        ModelFiles files = new ModelFiles(directory);
        Optional<Map<String, String>> digests = files.verifyManifest();
        boolean verified = digests.isPresent();
        Path modelFile = files.require("model.onnx", "the ONNX decoder");
        Path tokenizerFile = files.require("tokenizer.json", "the Hugging Face tokenizer");
        if (Files.exists(files.directory().resolve("model.onnx.data"))) {
            files.require("model.onnx.data", "model.onnx's external weights");
        }
        ModelConfig config = ModelConfig.read(files.directory());
        if (!verified) {
            log.warn(
                    "Model directory {} has no {} manifest, so its files are not verified; write one with: {}",
                    files.directory(),
                    ModelFiles.MANIFEST,
                    files.manifestCommand());
        }
        // Just checked against the manifest when there is one; hashing a large model twice costs seconds.
        String sha256 = digests.map(d -> d.get("model.onnx")).orElseGet(() -> ModelFiles.sha256(modelFile));
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
                verified ? "verified" : "absent, files not verified",
                target.describeLayout(),
                config.contextLength(),
                java.util.Arrays.toString(config.endTokenIds()),
                settings.intraOpThreads(),
                settings.optimizationLevel());
        return new LoadedModel(files.directory(), sha256, verified, target, tokenizer, config);
    }

    /**
     * Refuses a model directory that has no {@code SHA256SUMS} manifest, before anything is loaded,
     * since its files could not be verified. The message says how to write one and ends with
     * {@code howToAllow}, which names the caller's way of accepting an unverified model.
     */
    public static void requireManifest(Path directory, String howToAllow) {
        ModelFiles files = new ModelFiles(directory);
        if (!files.hasManifest()) {
            throw new ModelLoadException("model directory " + files.directory() + " has no " + ModelFiles.MANIFEST
                    + " manifest, so its files cannot be verified; write one with '" + files.manifestCommand()
                    + "', or " + howToAllow);
        }
    }

    public Path directory() {
        return directory;
    }

    /** SHA-256 of {@code model.onnx}, hex. */
    public String sha256() {
        return sha256;
    }

    /** Whether every file loaded was checked against the directory's {@code SHA256SUMS} manifest. */
    public boolean verified() {
        return verified;
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
