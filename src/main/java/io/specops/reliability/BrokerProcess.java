package io.specops.reliability;

import io.specops.bench.WorkerProcess;
import io.specops.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded KRaft broker ({@link EmbeddedKafka}) in a child JVM of its own, so that a case can
 * stop it cleanly (SIGTERM: the child's shutdown hook closes the broker, which shuts down in a
 * controlled way) or kill it for real (SIGKILL: no shutdown at all, the log directory is left as a
 * crashed broker leaves it), and start it again on the same data directory and ports, so that
 * clients keep their bootstrap address and find their topics and committed offsets again.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final String READY_FILE = "broker.ready";

    private final Path dataDirectory;
    private final Path logFile;
    private final Process process;
    private final int port;
    private final int controllerPort;

    private BrokerProcess(Path dataDirectory, Path logFile, Process process, int port, int controllerPort) {
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.process = process;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts a broker on free ports, keeping its data in {@code dataDirectory}, and waits until it
     * serves requests; its output goes to {@code logFile}.
     */
    public static BrokerProcess start(Path dataDirectory, Path logFile, Duration timeout)
            throws IOException, InterruptedException {
        return start(dataDirectory, logFile, 0, 0, timeout);
    }

    /** Starts a new broker process on this one's data directory and ports; this one must have ended. */
    public BrokerProcess restart(Duration timeout) throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("the broker on port " + port + " still runs");
        }
        return start(dataDirectory, logFile, port, controllerPort, timeout);
    }

    private static BrokerProcess start(Path dataDirectory, Path logFile, int port, int controllerPort, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDirectory);
        Path ready = dataDirectory.resolve(READY_FILE);
        Files.deleteIfExists(ready);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.add("-cp");
        command.add(WorkerProcess.ownClasspath());
        command.add(BrokerProcess.class.getName());
        command.add(dataDirectory.toAbsolutePath().toString());
        command.add(Integer.toString(port));
        command.add(Integer.toString(controllerPort));
        command.add(Long.toString(timeout.toMillis()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        // The child's own start-up timeout covers the broker; this one also covers the JVM starting.
        long deadline = System.nanoTime() + timeout.plusSeconds(30).toNanos();
        while (!Files.exists(ready)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker process exited with " + process.exitValue()
                        + " before it was ready; see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(
                        "the broker process was not ready within " + timeout + "; see " + logFile);
            }
            Thread.sleep(20);
        }
        Properties ports = new Properties();
        try (InputStream in = Files.newInputStream(ready)) {
            ports.load(in);
        }
        return new BrokerProcess(
                dataDirectory,
                logFile,
                process,
                Integer.parseInt(ports.getProperty("port")),
                Integer.parseInt(ports.getProperty("controller.port")));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM: the broker shuts down in a controlled way; waits up to {@code timeout} for the exit code. */
    public OptionalInt stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** SIGKILL: the broker process ends at once, as after a crash; waits for the exit code. */
    public OptionalInt kill(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(timeout);
    }

    private OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** Stops the broker if it still runs, killing it if it has not ended within a minute. */
    @Override
    public void close() {
        try {
            if (process.isAlive() && stop(Duration.ofMinutes(1)).isEmpty()) {
                kill(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The child's entry point: {@code <data directory> <port> <controller port> <startup timeout ms>}
     * (port 0 picks a free one). Writes the ports to {@code broker.ready} in the data directory once the broker serves,
     * then runs until the process is stopped; SIGTERM closes the broker on the way out.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path directory = Path.of(args[0]);
        EmbeddedKafka kafka = EmbeddedKafka.builder()
                .dataDirectory(directory)
                .port(Integer.parseInt(args[1]))
                .controllerPort(Integer.parseInt(args[2]))
                .startupTimeout(Duration.ofMillis(Long.parseLong(args[3])))
                .start();
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            closed.countDown();
                        },
                        "broker-shutdown"));
        Properties ports = new Properties();
        ports.setProperty("port", Integer.toString(kafka.port()));
        ports.setProperty("controller.port", Integer.toString(kafka.controllerPort()));
        // Written aside and moved, so that the parent never reads a half-written file.
        Path partial = directory.resolve(READY_FILE + ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            ports.store(out, "ports of the running broker");
        }
        Files.move(partial, directory.resolve(READY_FILE), StandardCopyOption.ATOMIC_MOVE);
        closed.await();
    }
}
