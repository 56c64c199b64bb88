package io.specops.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses to load ONNX Runtime in a process whose command line is too long for it. As it loads,
 * ONNX Runtime 1.29.0's native library reads {@code /proc/self/cmdline}, and on x86_64 Linux a
 * command line of 3981 bytes or more kills the JVM with SIGSEGV: no exception, no {@code hs_err}
 * file, exit code 139 (3980 bytes load fine). A long {@code -cp}, as a build tool passes it, is
 * enough. A clear error is better than that.
 */
final class CommandLineLength {

    /** The longest command line seen to load ONNX Runtime 1.29.0. */
    static final int LONGEST_LOADED = 3980;

    private static final Path OWN_COMMAND_LINE = Path.of("/proc/self/cmdline");

    private CommandLineLength() {}

    /** Throws if this process's command line is longer than {@link #LONGEST_LOADED}. */
    static void requireLoadable() {
        requireLoadable(OWN_COMMAND_LINE);
    }

    /** As {@link #requireLoadable()}, for the command line in {@code cmdline}; nothing to check where it is missing. */
    static void requireLoadable(Path cmdline) {
        long length;
        try {
            length = Files.readAllBytes(cmdline).length; // procfs reports a size of 0, so read it
        } catch (IOException e) {
            return; // not Linux, or no procfs: nothing known to crash
        }
        if (length > LONGEST_LOADED) {
            throw new ModelLoadException("this process's command line is " + length + " bytes, and ONNX Runtime's"
                    + " native library kills the JVM (SIGSEGV) as it loads when the command line is longer than "
                    + LONGEST_LOADED + " bytes; shorten it, for example with java -jar spec-ops.jar, or a long class"
                    + " path in an argument file (java @file) or a manifest Class-Path jar");
        }
    }
}
