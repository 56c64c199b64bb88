package io.specops.reliability;

import io.specops.bench.WorkerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Case 8: a worker process started on a tampered copy of the model directory must refuse
 * to start (a non-zero exit), say which file is wrong (and, for a changed byte, both digests), and
 * never report ready on {@code /health/ready} meanwhile. The same worker on an untouched copy,
 * against the case's broker, is the control: it must become ready, which shows the probe can see it.
 */
public final class TamperCase {

    /** One way of tampering with a copy of the model directory. */
    enum Tampering {
        /** One byte of model.onnx flipped: SHA256SUMS no longer matches. */
        BYTE_CHANGED,
        /** tokenizer.json replaced by a symbolic link to the real file outside the directory. */
        FILE_REPLACED_BY_LINK,
        /** SHA256SUMS names a file outside the directory through "..". */
        PATH_ESCAPES
    }

    private TamperCase() {}

    public static CaseResult run(String bootstrapServers, Path modelDirectory, Path directory)
            throws IOException, InterruptedException {
        CaseTopics topics = CaseTopics.of("tamper");
        topics.create(bootstrapServers, Map.of());
        List<String> lines = new ArrayList<>();
        boolean passed = true;
        for (Tampering tampering : Tampering.values()) {
            Path copy = directory.resolve(tampering.name().toLowerCase(java.util.Locale.ROOT));
            List<String> mustName = tamper(modelDirectory, copy, directory, tampering);
            Outcome outcome = start(
                    bootstrapServers,
                    topics,
                    copy,
                    directory.resolve(tampering.name() + ".log"),
                    Duration.ofSeconds(60));
            List<String> unnamed =
                    mustName.stream().filter(s -> !outcome.log.contains(s)).toList();
            boolean refused = outcome.exitCode.isPresent() && outcome.exitCode.getAsInt() != 0;
            boolean ok = refused && !outcome.everReady && unnamed.isEmpty();
            passed &= ok;
            lines.add(tampering + ": exit code " + (outcome.exitCode.isPresent() ? outcome.exitCode.getAsInt() : "none")
                    + "; readiness ever true: " + outcome.everReady + "; health probes answered: " + outcome.answered
                    + "; message names " + (unnamed.isEmpty() ? mustName : "not " + unnamed) + "; "
                    + firstError(outcome.log));
        }
        Path control = directory.resolve("untouched");
        copyModel(modelDirectory, control);
        Outcome outcome =
                start(bootstrapServers, topics, control, directory.resolve("untouched.log"), Duration.ofSeconds(60));
        passed &= outcome.everReady;
        lines.add("control (untouched copy): readiness true: " + outcome.everReady + " after " + outcome.readyAfter
                + (outcome.everReady ? "" : "; exit code " + outcome.exitCode + "; log: " + tail(outcome.log)));
        return new CaseResult("case 8: model tampering", lines, passed, null);
    }

    /** Copies the model and tampers with the copy; returns what the worker's refusal must mention. */
    static List<String> tamper(Path model, Path copy, Path directory, Tampering tampering) throws IOException {
        copyModel(model, copy);
        switch (tampering) {
            case BYTE_CHANGED -> {
                Path onnx = copy.resolve("model.onnx");
                String before = sha256(onnx);
                byte[] bytes = Files.readAllBytes(onnx);
                bytes[bytes.length / 2] ^= 0x01;
                Files.write(onnx, bytes);
                return List.of("model.onnx", before, sha256(onnx));
            }
            case FILE_REPLACED_BY_LINK -> {
                Path tokenizer = copy.resolve("tokenizer.json");
                Path outside = directory.resolve("outside-tokenizer.json");
                Files.copy(tokenizer, outside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.delete(tokenizer);
                Files.createSymbolicLink(tokenizer, outside);
                return List.of("tokenizer.json", "link");
            }
            case PATH_ESCAPES -> {
                Path manifest = copy.resolve("SHA256SUMS");
                String line = sha256(model.resolve("config.json")) + "  ../untouched/config.json\n";
                Files.writeString(manifest, Files.readString(manifest) + line, StandardCharsets.UTF_8);
                return List.of("../untouched/config.json", "outside the model directory");
            }
            default -> throw new IllegalArgumentException(tampering.toString());
        }
    }

    private record Outcome(OptionalInt exitCode, boolean everReady, int answered, String readyAfter, String log) {}

    /**
     * Starts the worker command on {@code model}, probes {@code /health/ready} every 20 ms until it
     * exits, turns ready, or {@code timeout} passes, then stops it.
     */
    private static Outcome start(String bootstrapServers, CaseTopics topics, Path model, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Map<String, String> settings = new java.util.HashMap<>(topics.workerSettings());
        settings.put("model.dir", model.toString());
        settings.put("metrics.port", "0"); // the worker picks a free port and logs it
        settings.put(
                "worker.state.dir",
                log.resolveSibling(log.getFileName() + ".state").toString());
        long start = System.nanoTime();
        boolean ready = false;
        int answered = 0;
        String readyAfter = "n/a";
        try (WorkerProcess worker = WorkerProcess.start(bootstrapServers, settings, log)) {
            long deadline = start + timeout.toNanos();
            int port = -1;
            while (worker.alive() && System.nanoTime() < deadline) {
                if (port < 0) {
                    port = HealthProbe.loggedPort(Files.readString(log, StandardCharsets.UTF_8));
                }
                int status = port < 0 ? 0 : HealthProbe.readyStatus(port);
                if (status > 0) {
                    answered++;
                }
                if (status == 200) {
                    ready = true;
                    readyAfter = KillCase.seconds((System.nanoTime() - start) / 1_000_000);
                    break;
                }
                Thread.sleep(20);
            }
            OptionalInt exit = worker.exitCode();
            return new Outcome(exit, ready, answered, readyAfter, Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }

    private static String firstError(String log) {
        return log.lines()
                .filter(line -> line.contains("ModelLoadException"))
                .findFirst()
                .map(String::strip)
                .orElse("no ModelLoadException in the log");
    }

    private static void copyModel(Path model, Path copy) throws IOException {
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(model)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(
                        file,
                        copy.resolve(model.relativize(file).toString()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
