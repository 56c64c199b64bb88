package io.specops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A parent JVM that starts a worker and is then stopped with SIGTERM leaves no worker behind. */
class WorkerProcessTest {

    @TempDir
    Path directory;

    @Test
    void a_worker_does_not_outlive_the_jvm_that_started_it() throws Exception {
        Process parent = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        WorkerProcess.ownClasspath(),
                        StartOneWorker.class.getName(),
                        directory.toString())
                .redirectError(directory.resolve("parent.err").toFile())
                .start();
        Optional<ProcessHandle> worker = Optional.empty();
        try {
            long workerPid;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertThat(line).as("the parent's first line: the worker's pid").isNotNull();
                workerPid = Long.parseLong(line.trim());
            }
            worker = ProcessHandle.of(workerPid);
            assertThat(worker).as("the worker runs").isPresent();
            assertThat(worker.get().isAlive()).isTrue();

            parent.destroy(); // SIGTERM, as an operator stopping the benchmark or the harness would
            assertThat(parent.waitFor(60, TimeUnit.SECONDS))
                    .as("the parent exits")
                    .isTrue();
            ProcessHandle exited = worker.get()
                    .onExit()
                    .completeOnTimeout(worker.get(), 30, TimeUnit.SECONDS)
                    .get();
            assertThat(exited.isAlive())
                    .as("the worker is gone once its parent has exited")
                    .isFalse();
        } finally {
            parent.destroyForcibly();
            worker.ifPresent(ProcessHandle::destroyForcibly); // only if the test failed
        }
    }

    /** The parent: starts a worker that has no broker to reach, prints its pid and waits to be stopped. */
    static final class StartOneWorker {
        public static void main(String[] args) throws Exception {
            Path directory = Path.of(args[0]);
            WorkerProcess worker = WorkerProcess.start(
                    "127.0.0.1:9",
                    Map.of("worker.state.dir", directory.resolve("state").toString(), "metrics.port", "-1"),
                    directory.resolve("worker.log"),
                    List.of(),
                    Map.of());
            System.out.println(worker.pid());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
