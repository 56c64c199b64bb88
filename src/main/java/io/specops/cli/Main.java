package io.specops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code spec-ops.jar}: one subcommand per job. */
@Command(
        name = "spec-ops",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Speculative-decoding LLM inference on CPU with ONNX Runtime.",
        subcommands = {
            DemoCommand.class,
            GenerateCommand.class,
            BenchCommand.class,
            WorkerCommand.class,
            PromptCommand.class,
            TopicsCommand.class,
            ReliabilityCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"spec-ops " + (version == null ? "(development build)" : version)};
        }
    }
}
