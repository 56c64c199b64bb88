package io.specops.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and checks the files of a model directory. A {@code SHA256SUMS} manifest (the format
 * {@code sha256sum} writes: {@code <hex>  <relative path>} per line) is verified file by file
 * before anything is loaded, and must list every file the loader reads; every file must be a
 * regular file inside the directory. Whether a directory without a manifest may be used is the
 * caller's decision (the worker refuses it unless told otherwise).
 */
final class ModelFiles {

    static final String MANIFEST = "SHA256SUMS";

    private final Path directory;

    ModelFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ModelLoadException("model directory " + directory
                    + " does not exist or is not a directory; pass --model with a directory that holds model.onnx"
                    + " and tokenizer.json");
        }
        this.directory = directory.toAbsolutePath().normalize();
    }

    Path directory() {
        return directory;
    }

    /** A file the model needs, refused when it is missing, a link, or outside the directory. */
    Path require(String name, String purpose) {
        Path file = inside(name);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelLoadException("model directory " + directory + " has no " + name + " (" + purpose + ")");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelLoadException(
                    name + " in " + directory + " is not a regular file (links are refused); copy the real file in");
        }
        return file;
    }

    boolean hasManifest() {
        return Files.isRegularFile(directory.resolve(MANIFEST));
    }

    /**
     * The files the loader reads, relative to the directory, in the order it reads them: the decoder
     * and its external weights, the tokenizer, and the configuration {@link ModelConfig} picks.
     */
    List<String> loadedFiles() {
        List<String> files = new ArrayList<>();
        files.add("model.onnx");
        if (present("model.onnx.data")) {
            files.add("model.onnx.data");
        }
        files.add("tokenizer.json");
        if (present("genai_config.json")) {
            files.add("genai_config.json");
        } else {
            files.add("config.json");
            if (present("generation_config.json")) {
                files.add("generation_config.json");
            }
        }
        return files;
    }

    private boolean present(String name) {
        return Files.exists(directory.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** The command that writes a manifest for this directory, for messages. */
    String manifestCommand() {
        return "cd " + directory + " && sha256sum " + String.join(" ", loadedFiles()) + " > " + MANIFEST;
    }

    /**
     * Checks every entry of the manifest, if there is one, and that it lists every file the loader
     * reads. Returns the verified digests by file name, or empty when there is no manifest.
     */
    Optional<Map<String, String>> verifyManifest() {
        Path manifest = directory.resolve(MANIFEST);
        if (!hasManifest()) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + manifest + ": " + e.getMessage(), e);
        }
        Map<String, String> verified = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+\\*?", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}")) {
                throw new ModelLoadException(MANIFEST + " line '" + line
                        + "' is not '<64 hex digits>  <file>'; regenerate it with sha256sum");
            }
            Path file = require(parts[1], "listed in " + MANIFEST);
            String actual = sha256(file);
            if (!actual.equalsIgnoreCase(parts[0])) {
                throw new ModelLoadException("sha256 mismatch for " + file + ": " + MANIFEST + " expects " + parts[0]
                        + " but the file has " + actual + "; the file is corrupt or was replaced");
            }
            verified.put(directory.relativize(file).toString(), actual);
        }
        List<String> unlisted = loadedFiles().stream()
                .filter(name -> !verified.containsKey(name))
                .toList();
        if (!unlisted.isEmpty()) {
            throw new ModelLoadException(manifest + " does not list " + String.join(", ", unlisted)
                    + ", which the loader reads, so the model cannot be verified; regenerate it: " + manifestCommand());
        }
        return Optional.of(verified);
    }

    private Path inside(String name) {
        Path file = directory.resolve(name).normalize();
        if (!file.startsWith(directory)) {
            throw new ModelLoadException(
                    "'" + name + "' points outside the model directory " + directory + "; refusing to read it");
        }
        return file;
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // the digest stream hashes as it reads
            }
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
