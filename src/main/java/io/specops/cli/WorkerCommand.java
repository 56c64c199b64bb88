package io.specops.cli;

import io.specops.config.SpecOpsConfig;
import io.specops.engine.Engine;
import io.specops.streams.Worker;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code worker}: the long-running Kafka worker; stops cleanly on SIGTERM or Ctrl-C. */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run the Kafka worker until stopped.")
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engineOptions;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws InterruptedException {
        engineOptions.settings.putIfAbsent("kafka.bootstrap.servers", kafka.bootstrapServers);
        SpecOpsConfig config = engineOptions.config();
        Engine engine = Engine.start(config.engine());
        Worker worker = new Worker(config.worker(), engine).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            worker.close();
                            engine.close();
                            stopped.countDown();
                        },
                        "spec-ops-worker-stop"));
        stopped.await();
        return 0;
    }
}
