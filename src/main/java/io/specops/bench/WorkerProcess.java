package io.specops.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A worker in a child JVM, started from this jar the way an operator would run it, so that
 * benchmarks measure separate processes competing for the machine. {@link #close()} sends SIGTERM
 * and waits for the clean exit. Workers still running when this JVM exits, for example because the
 * benchmark or the reliability harness was stopped with SIGTERM or Ctrl-C before it could close
 * them, get SIGTERM from a shutdown hook, and SIGKILL if they have not exited within
 * {@link #EXIT_GRACE}, so no worker outlives the process that started it.
 */
public final class WorkerProcess implements AutoCloseable {

    /** How long the shutdown hook lets leftover workers hand back their work before killing them. */
    static final Duration EXIT_GRACE = Duration.ofSeconds(10);

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(WorkerProcess::stopLeftovers, "worker-process-reaper"));
    }

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    public static WorkerProcess start(String bootstrapServers, Map<String, String> settings, Path logFile)
            throws IOException {
        return start(bootstrapServers, settings, logFile, List.of(), Map.of());
    }

    /**
     * @param jvmOptions options of the child JVM, for example {@code -Xmx307m}
     * @param environment variables added to the child's environment; settings given as {@code SPECOPS_*}
     *     variables stay off its command line, which other users of the host can read
     */
    public static WorkerProcess start(
            String bootstrapServers,
            Map<String, String> settings,
            Path logFile,
            List<String> jvmOptions,
            Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(ownClasspath());
        command.add("io.specops.cli.Main");
        command.add("worker");
        command.add("--bootstrap-servers");
        command.add(bootstrapServers);
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        // The tokenizer's thread pool otherwise competes across worker processes on one host (see README);
        // a value set by the caller is kept, so the effect can be measured both ways.
        builder.environment().putIfAbsent("TOKENIZERS_PARALLELISM", "false");
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        return new WorkerProcess(process);
    }

    private static void stopLeftovers() {
        List<Process> leftovers = List.copyOf(RUNNING);
        leftovers.forEach(Process::destroy);
        long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
        for (Process leftover : leftovers) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!leftover.waitFor(left, TimeUnit.NANOSECONDS)) {
                    leftover.destroyForcibly();
                }
            } catch (InterruptedException e) {
                leftover.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The class path that starts a child JVM of this build: the jar, or a manifest-only jar naming this class path. */
    public static String ownClasspath() {
        try {
            Path location = Path.of(WorkerProcess.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return location.toString().endsWith(".jar") ? location.toString() : pathingJar();
        } catch (URISyntaxException e) {
            return pathingJar();
        }
    }

    /**
     * A jar holding only a manifest whose Class-Path is this JVM's class path (as Surefire starts its
     * forks). Given the class path itself, about 9 KB from Maven, a child's command line would be too
     * long for ONNX Runtime's native library, which kills the JVM past 3980 bytes (see {@code
     * model/CommandLineLength}, which refuses such a process with a clear error instead).
     */
    private static String pathingJar() {
        String classPath = System.getProperty("java.class.path");
        StringBuilder entries = new StringBuilder();
        for (String element : classPath.split(File.pathSeparator)) {
            if (!element.isEmpty()) {
                entries.append(Path.of(element).toAbsolutePath().toUri()).append(' ');
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, entries.toString().trim());
        try {
            Path jar = Files.createTempFile("spec-ops-classpath", ".jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
                out.flush();
            }
            jar.toFile().deleteOnExit();
            return jar.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the class-path jar for a worker process", e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL ({@code kill -9}): the worker gets no chance to hand anything back. Does not wait. */
    public void kill() {
        process.destroyForcibly();
    }

    /** SIGTERM, without waiting: the worker drains and leaves the group in its shutdown hook. */
    public void terminate() {
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to end; its exit code, or empty if it still runs. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** The exit code once the process has ended; 143 is SIGTERM after a clean shutdown, 137 is SIGKILL. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** SIGTERM, then wait up to a minute for the worker to hand back its work and exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
