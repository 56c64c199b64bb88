package io.specops.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed key pair for a broker on 127.0.0.1 and the trust store its clients need, made with the
 * JDK's own {@code keytool} in a child process, so no dependency and no stored key is needed. The
 * certificate names {@code 127.0.0.1} and {@code localhost}, so clients keep hostname verification on;
 * it is valid for two days. Both stores are PKCS12 and share one random password, which reaches
 * {@code keytool} through its environment, not its command line.
 */
record SecurityCaseTls(Path keyStore, Path trustStore, String password) {

    private static final String PASSWORD_VARIABLE = "SPECOPS_TLS_STORE_PASSWORD";
    private static final String ALIAS = "broker";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Makes the stores in {@code directory}; throws with keytool's output if it fails or is missing. */
    static SecurityCaseTls generate(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        String password = randomSecret();
        Path keyStore = directory.resolve("broker.p12");
        Path certificate = directory.resolve("broker.crt");
        Path trustStore = directory.resolve("truststore.p12");
        for (Path file : List.of(keyStore, certificate, trustStore)) {
            Files.deleteIfExists(file);
        }
        keytool(
                password,
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString());
        keytool(
                password,
                "-exportcert",
                "-alias",
                ALIAS,
                "-rfc",
                "-keystore",
                keyStore.toString(),
                "-file",
                certificate.toString());
        keytool(
                password,
                "-importcert",
                "-noprompt",
                "-alias",
                ALIAS,
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString());
        return new SecurityCaseTls(keyStore, trustStore, password);
    }

    /** Runs {@code keytool} with the store password (and key password) taken from the environment. */
    private static void keytool(String password, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.add("-storepass:env");
        command.add(PASSWORD_VARIABLE);
        if (arguments[0].equals("-genkeypair")) {
            command.add("-keypass:env");
            command.add(PASSWORD_VARIABLE);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + arguments[0] + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed with exit code " + process.exitValue() + ": "
                    + output.strip());
        }
    }

    /** Without the password, which a generated toString() would show. */
    @Override
    public String toString() {
        return "SecurityCaseTls[" + keyStore + ", " + trustStore + "]";
    }

    /** 32 hex digits from a strong random source: a password or a user's secret. */
    static String randomSecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
