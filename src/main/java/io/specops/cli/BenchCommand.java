package io.specops.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bench}: plain against speculative decoding, measured side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark plain against speculative decoding.")
final class BenchCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("bench is not written yet");
    }
}
