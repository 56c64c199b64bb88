package io.specops.cli;

import io.specops.config.SpecOpsConfig;
import io.specops.engine.Engine;
import io.specops.metrics.MetricsServer;
import io.specops.metrics.WorkerMetrics;
import io.specops.model.LoadedModel;
import io.specops.streams.Worker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code worker}: the long-running Kafka worker; stops cleanly on SIGTERM or Ctrl-C, and exits 1 when Kafka
 * Streams stops on an error, such as the broker refusing the worker's credentials or ACLs while it runs.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run the Kafka worker until stopped.")
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engineOptions;

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    /** How long the start-up check waits for the broker before it leaves the broker to Kafka Streams. */
    private static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public Integer call() throws InterruptedException {
        // The flag wins; without it the properties file and SPECOPS_KAFKA_BOOTSTRAP_SERVERS decide, as for any key.
        if (kafka.bootstrapServers != null) {
            engineOptions.settings.put("kafka.bootstrap.servers", kafka.bootstrapServers);
        }
        SpecOpsConfig config = engineOptions.config();
        if (!config.worker().allowUnverifiedModel()) {
            LoadedModel.requireManifest(
                    config.engine().modelDirectory(),
                    "set worker.allow.unverified.model=true to run it unverified (the worker then never reports ready)");
        }
        Optional<String> refusal = KafkaAccessCheck.refusal(config.worker(), KAFKA_CHECK_TIMEOUT);
        if (refusal.isPresent()) {
            spec.commandLine().getErr().println("worker: " + refusal.get());
            return 1;
        }
        WorkerMetrics metrics = WorkerMetrics.create();
        int metricsPort = config.worker().metricsPort();
        // Started before the model loads, so that probes see a live, not yet ready, worker meanwhile.
        MetricsServer metricsServer = metricsPort < 0 ? null : metrics.serve(new InetSocketAddress(metricsPort));
        Engine engine = Engine.start(config.engine());
        metrics.modelLoaded(
                engine.modelDirectory(), engine.model().sha256(), engine.model().verified());
        Worker worker = new Worker(
                        config.worker(),
                        engine,
                        metrics.observer(),
                        streams -> metrics.bindKafkaStreams(
                                streams::metrics, () -> streams.state().name()))
                .start();
        metrics.bindRunningGenerations(worker.counters().running::get);
        metrics.bindWaitingPrompts(worker.counters().waiting::get, worker.counters().heldBackPartitions::get);
        metrics.bindNgramStore(engine.ngrams()::size, engine.ngrams()::lookups, engine.ngrams()::hits);
        metrics.bindCommittedLag(worker.settings().topics().prompts(), worker::committedLag);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        worker.stoppedOnError().thenRun(() -> {
            failed.set(true);
            stopped.countDown();
        });
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            worker.close();
                            engine.close();
                            if (metricsServer != null) {
                                metricsServer.close();
                            }
                            metrics.close();
                            stopped.countDown();
                        },
                        "spec-ops-worker-stop"));
        stopped.await();
        if (failed.get()) {
            // Kafka Streams has no stream thread left (the log says why): exit, so that a supervisor restarts
            // the worker or reports it, instead of leaving a process that holds its place but takes no prompts.
            // Exiting runs the shutdown hook above, which closes the worker and the model.
            spec.commandLine().getErr().println("worker: Kafka Streams stopped on an error (see the log); exiting");
            return 1;
        }
        return 0;
    }
}
