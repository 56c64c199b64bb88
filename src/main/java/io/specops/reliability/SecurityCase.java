package io.specops.reliability;

import io.specops.client.CompletionHandle;
import io.specops.client.CompletionResult;
import io.specops.client.PromptSpec;
import io.specops.client.SpecOpsClient;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reliability case 9: the worker and the client on a broker that authenticates with SASL SCRAM-SHA-512
 * over TLS and authorizes with ACLs. The worker's principal may use only topics and groups under
 * {@value #PREFIX} (its application id, and so its internal topics, start with it too); the client's
 * principal may only write prompts and read the three answer topics. The case checks that prompts
 * come back with the engine's text through both, that each principal is refused outside its ACLs,
 * that a client without credentials gets nothing, that the worker's startup log shows no secret,
 * that a worker or a client with a wrong password fails fast with a message that says so, and that
 * a running worker whose group ACL is deleted stops without losing a prompt
 * ({@link SecurityCaseRevocation}).
 *
 * <p>Secrets reach the worker processes through {@code SPECOPS_KAFKA_*} environment variables, not
 * their command line, which any user of the host can read.
 */
public final class SecurityCase {

    static final String ADMIN_USER = "specops-admin";
    static final String WORKER_USER = "specops-worker";
    static final String CLIENT_USER = "specops-client";
    /** Topics, consumer groups and the worker's application id all start with this. */
    static final String PREFIX = "specops.";

    /**
     * @param tls serve the listener over TLS (SASL_SSL); false, or no {@code keytool} here, gives SASL_PLAINTEXT
     * @param refusedWorkers also start a worker process with a wrong password and one whose application
     *     id is outside its ACLs, which must exit with an error, saying why, within {@code refusalTimeout}
     */
    public record Settings(
            long seed, int prompts, int maxTokens, boolean tls, boolean refusedWorkers, Duration refusalTimeout) {}

    private SecurityCase() {}

    public static CaseResult run(Engine engine, Path directory, Settings settings)
            throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        SecurityCaseTls tls = null;
        if (settings.tls()) {
            try {
                tls = SecurityCaseTls.generate(directory.resolve("tls"));
            } catch (IOException e) {
                lines.add("no TLS key store could be made, so the listener is SASL_PLAINTEXT: " + e.getMessage());
            }
        }
        EmbeddedKafka.Builder broker = EmbeddedKafka.builder()
                .dataDirectory(directory.resolve("kafka"))
                .scramSuperUser(ADMIN_USER, SecurityCaseTls.randomSecret());
        if (tls != null) {
            broker.tls(tls.keyStore(), tls.trustStore(), tls.password());
        }
        try (EmbeddedKafka kafka = broker.start()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, Object> admin = kafka.adminClientConfig();
            lines.add("broker: " + kafka.securityProtocol() + " on " + bootstrap + ", " + EmbeddedKafka.SCRAM_MECHANISM
                    + ", StandardAuthorizer (no matching ACL means denied), super user " + ADMIN_USER);
            CaseTopics topics = CaseTopics.of(PREFIX + "security-" + settings.seed());
            topics.create(bootstrap, admin);
            String workerPassword = SecurityCaseTls.randomSecret();
            String clientPassword = SecurityCaseTls.randomSecret();
            createUsers(bootstrap, admin, Map.of(WORKER_USER, workerPassword, CLIENT_USER, clientPassword));
            List<AclBinding> acls = acls(topics);
            createAcls(bootstrap, admin, acls);
            lines.add("ACLs: " + acls.size() + " bindings; " + WORKER_USER + " on prefixed topic and group '" + PREFIX
                    + "', " + CLIENT_USER + " write on the prompts topic, read on chunks, completions, metrics");
            Map<String, String> workerKafka = kafka.clientConfig(WORKER_USER, workerPassword);
            Map<String, String> clientKafka = kafka.clientConfig(CLIENT_USER, clientPassword);
            awaitAuthenticates(bootstrap, workerKafka);
            awaitAuthenticates(bootstrap, clientKafka);

            List<String> secrets = new ArrayList<>(List.of(workerPassword, clientPassword));
            if (tls != null) {
                secrets.add(tls.password());
            }
            Map<String, String> wrongPassword =
                    kafka.clientConfig(WORKER_USER, "wrong-" + SecurityCaseTls.randomSecret());
            List<Refused> refused = new ArrayList<>();
            try {
                if (settings.refusedWorkers()) {
                    // Started first, so that they start up while the good worker does.
                    refused.add(Refused.start(
                            "worker with a wrong password",
                            "refused the worker's credentials",
                            bootstrap,
                            directory.resolve("wrong-password"),
                            workerSettings(topics, Map.of()),
                            wrongPassword,
                            settings.refusalTimeout()));
                    refused.add(Refused.start(
                            "worker with application.id other-workers, outside its ACLs",
                            "does not authorize the worker's principal for its consumer group",
                            bootstrap,
                            directory.resolve("wrong-group"),
                            workerSettings(topics, Map.of("worker.application.id", "other-workers")),
                            workerKafka,
                            settings.refusalTimeout()));
                }
                servesPrompts(
                        engine,
                        directory,
                        settings,
                        bootstrap,
                        topics,
                        admin,
                        workerKafka,
                        clientKafka,
                        secrets,
                        lines,
                        failures);
                probeAcls(
                        bootstrap, topics, admin, workerKafka, clientKafka, kafka.securityProtocol(), lines, failures);
                for (Refused worker : refused) {
                    worker.check(lines, failures);
                }
            } finally {
                refused.forEach(Refused::close);
            }
            wrongPasswordClient(bootstrap, topics, wrongPassword, lines, failures);
        }
        lines.add(failures.isEmpty() ? "ALL-CHECKS-PASSED" : "FAILED: " + String.join("; ", failures));
        return new CaseResult(
                "case 9: SASL " + EmbeddedKafka.SCRAM_MECHANISM + (tls != null ? " over TLS" : " without TLS")
                        + " with ACLs (" + settings.prompts() + " prompts of " + settings.maxTokens() + " tokens)",
                lines,
                failures.isEmpty(),
                null);
    }

    /**
     * One worker process as {@value #WORKER_USER}, prompts through the client as {@value #CLIENT_USER};
     * then its group ACL is revoked and restored.
     */
    private static void servesPrompts(
            Engine engine,
            Path directory,
            Settings settings,
            String bootstrap,
            CaseTopics topics,
            Map<String, Object> admin,
            Map<String, String> workerKafka,
            Map<String, String> clientKafka,
            List<String> secrets,
            List<String> lines,
            List<String> failures)
            throws IOException, InterruptedException {
        List<PromptSpec> prompts =
                Driver.prompts(topics.prefix(), settings.seed(), settings.prompts(), settings.maxTokens());
        try (WorkerFleet fleet = new WorkerFleet(
                bootstrap,
                directory.resolve("workers"),
                workerSettings(topics, Map.of()),
                List.of(),
                environment(workerKafka))) {
            long startNanos = System.nanoTime();
            String worker = fleet.start(Map.of("metrics.port", "0")); // for its readiness once its ACL is gone
            Map<String, String> expected = Verifier.expectedText(engine, prompts);
            fleet.awaitRunning(worker, 1, Duration.ofMinutes(2));
            lines.add(worker + " (" + WORKER_USER + ") RUNNING " + seconds(System.nanoTime() - startNanos)
                    + " after it was started");
            checkRedaction(fleet.log(worker), commandLine(fleet.pid(worker)), secrets, lines, failures);

            int same = 0;
            try (SpecOpsClient client = new SpecOpsClient(bootstrap, topics.topics(), new HashMap<>(clientKafka))) {
                List<CompletionHandle> handles =
                        prompts.stream().map(client::submit).toList();
                for (CompletionHandle handle : handles) {
                    CompletionResult result = await(handle);
                    if (result != null && result.finished() && result.text().equals(expected.get(handle.requestId()))) {
                        same++;
                    }
                }
            }
            lines.add("SpecOpsClient as " + CLIENT_USER + ": " + same + "/" + prompts.size()
                    + " answers finished with the engine's own text");
            if (same != prompts.size()) {
                failures.add((prompts.size() - same) + " prompts not answered right through the client");
            }
            OutputSnapshot.awaitTerminals(bootstrap, topics.topics(), admin, expected.keySet(), Duration.ofMinutes(1));
            Thread.sleep(1000); // the last chunks may trail their terminal records by a punctuation
            Verifier.Report report = Verifier.check(
                    OutputSnapshot.read(bootstrap, topics.topics(), admin),
                    new Verifier.Expectations(expected, Map.of()));
            lines.add("verifier: " + report.lines().get(report.lines().size() - 1));
            if (!report.delivered()) {
                failures.add("the verifier found faults");
            }
            SecurityCaseRevocation.check(
                    engine, fleet, worker, bootstrap, topics, admin, clientKafka, settings, expected, lines, failures);
        }
    }

    /** The startup line must show secrets as redacted, and no secret may appear in the log or on the command line. */
    static void checkRedaction(
            String log, String commandLine, List<String> secrets, List<String> lines, List<String> failures) {
        String startLine = log.lines()
                .filter(line -> line.contains("Starting worker"))
                .findFirst()
                .orElse("");
        List<String> redactedKeys = new ArrayList<>();
        for (String key : List.of("sasl.jaas.config", "ssl.truststore.password")) {
            if (startLine.contains(key + "=[redacted]")) {
                redactedKeys.add(key);
            } else if (startLine.contains(key + "=")) {
                failures.add(key + " is not redacted in the startup line");
            }
        }
        if (!redactedKeys.contains("sasl.jaas.config")) {
            failures.add("the startup line shows no redacted sasl.jaas.config: " + startLine);
        }
        long inLog = secrets.stream().filter(log::contains).count();
        long inCommand = secrets.stream().filter(commandLine::contains).count();
        if (inLog > 0) {
            failures.add(inLog + " secrets appear in the worker's log");
        }
        if (inCommand > 0) {
            failures.add(inCommand + " secrets appear on the worker's command line");
        }
        lines.add("startup log: " + redactedKeys + " shown as [redacted]; secrets (" + secrets.size()
                + ") found in the log: " + inLog + ", on the command line: " + inCommand);
    }

    /**
     * Requests each principal must not be allowed, and a client without credentials; each must be
     * refused (an authorization error, or no answer at all for the client without credentials).
     */
    private static void probeAcls(
            String bootstrap,
            CaseTopics topics,
            Map<String, Object> admin,
            Map<String, String> workerKafka,
            Map<String, String> clientKafka,
            String protocol,
            List<String> lines,
            List<String> failures)
            throws InterruptedException {
        String outside = "other.secrets";
        createTopic(bootstrap, admin, outside);
        List<Probe> probes = new ArrayList<>();
        probes.add(probe(WORKER_USER + " creates topic other.topic", () -> {
            try (Admin client = Admin.create(clientProperties(bootstrap, workerKafka))) {
                client.createTopics(List.of(new NewTopic("other.topic", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
        }));
        probes.add(probe(WORKER_USER + " reads topic " + outside, () -> {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, workerKafka, null)) {
                consumer.assign(List.of(new TopicPartition(outside, 0)));
                consumer.seekToBeginning(List.of(new TopicPartition(outside, 0)));
                pollUntilRefused(consumer);
            }
        }));
        probes.add(probe(WORKER_USER + " joins group other-group", () -> {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, workerKafka, "other-group")) {
                consumer.subscribe(List.of(topics.topics().prompts()));
                pollUntilRefused(consumer);
            }
        }));
        probes.add(probe(CLIENT_USER + " writes a completion (a forged answer)", () -> {
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, clientKafka)) {
                producer.send(new ProducerRecord<>(
                                topics.topics().completions(), utf8("forged"), utf8("{\"status\":\"finished\"}")))
                        .get(30, TimeUnit.SECONDS);
            }
        }));
        probes.add(probe(CLIENT_USER + " reads the prompts topic (other users' prompts)", () -> {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, clientKafka, null)) {
                TopicPartition partition = new TopicPartition(topics.topics().prompts(), 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                pollUntilRefused(consumer);
            }
        }));
        probes.add(probe("a client without credentials lists topics", () -> {
            Map<String, Object> none = new HashMap<>();
            none.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            none.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
            none.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
            try (Admin client = Admin.create(none)) {
                client.listTopics().names().get(6, TimeUnit.SECONDS);
            }
        }));
        for (Probe probe : probes) {
            lines.add("refused: " + probe.what() + ": " + probe.outcome());
            if (!probe.refused()) {
                failures.add(probe.what() + " was allowed");
            }
        }
        lines.add("(the client without credentials spoke PLAINTEXT to the " + protocol + " listener)");
    }

    /** The client with a wrong password must fail at once with an authentication error. */
    private static void wrongPasswordClient(
            String bootstrap, CaseTopics topics, Map<String, String> wrong, List<String> lines, List<String> failures) {
        long startNanos = System.nanoTime();
        String outcome;
        boolean refused = false;
        try (SpecOpsClient client = new SpecOpsClient(bootstrap, topics.topics(), new HashMap<>(wrong))) {
            outcome = "connected: " + client;
        } catch (AuthenticationException e) {
            refused = true;
            outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            outcome = e.toString();
        }
        lines.add("SpecOpsClient with a wrong password: " + outcome + " after "
                + seconds(System.nanoTime() - startNanos));
        if (!refused) {
            failures.add("the client with a wrong password was not refused with an authentication error");
        }
    }

    private static Map<String, String> workerSettings(CaseTopics topics, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(topics.workerSettings());
        settings.put("worker.generation.threads", "1");
        settings.putAll(extra);
        return settings;
    }

    /**
     * A worker process the broker must refuse: it has to exit with an error within the timeout and
     * say why. A thread waits for the exit, so the time is exact however late the case looks.
     */
    private static final class Refused implements AutoCloseable {
        private final String what;
        private final String mustSay;
        private final Duration timeout;
        private final WorkerFleet fleet;
        private final String id;
        private final long startNanos = System.nanoTime();
        private final CompletableFuture<OptionalInt> exit = new CompletableFuture<>();
        private volatile long exitNanos;

        private Refused(String what, String mustSay, Duration timeout, WorkerFleet fleet) throws IOException {
            this.what = what;
            this.mustSay = mustSay;
            this.timeout = timeout;
            this.fleet = fleet;
            this.id = fleet.start();
            Thread waiter = new Thread(
                    () -> {
                        try {
                            OptionalInt code = fleet.awaitExit(id, timeout);
                            exitNanos = System.nanoTime();
                            exit.complete(code);
                        } catch (InterruptedException e) {
                            exit.complete(OptionalInt.empty());
                        }
                    },
                    "refused-" + id);
            waiter.setDaemon(true);
            waiter.start();
        }

        static Refused start(
                String what,
                String mustSay,
                String bootstrap,
                Path directory,
                Map<String, String> settings,
                Map<String, String> kafkaSettings,
                Duration timeout)
                throws IOException {
            return new Refused(
                    what,
                    mustSay,
                    timeout,
                    new WorkerFleet(bootstrap, directory, settings, List.of(), environment(kafkaSettings)));
        }

        void check(List<String> lines, List<String> failures) throws InterruptedException {
            OptionalInt code;
            try {
                code = exit.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                code = OptionalInt.empty();
            }
            String log = fleet.log(id);
            String message = log.lines()
                    .filter(line -> line.startsWith("worker: "))
                    .findFirst()
                    .orElse("no refusal line; last lines: " + fleet.tail(id, 3).replace('\n', ' '));
            lines.add(what + ": exit code " + (code.isPresent() ? code.getAsInt() : "none") + " "
                    + (code.isPresent() ? "after " + seconds(exitNanos - startNanos) : "still running") + " (limit "
                    + timeout.toSeconds() + " s); it loaded the model first: " + log.contains("Model loaded")
                    + "; it says: " + message);
            if (code.isEmpty() || code.getAsInt() == 0) {
                failures.add(what + ": did not exit with an error within " + timeout.toSeconds() + " s");
            }
            if (!message.contains(mustSay)) {
                failures.add(what + ": the refusal does not say '" + mustSay + "'");
            }
        }

        @Override
        public void close() {
            fleet.close();
        }
    }

    /** The ACLs of the two principals. */
    static List<AclBinding> acls(CaseTopics topics) {
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation operation : List.of(
                AclOperation.READ,
                AclOperation.WRITE,
                AclOperation.DESCRIBE,
                AclOperation.DESCRIBE_CONFIGS,
                AclOperation.CREATE)) {
            acls.add(allow(WORKER_USER, ResourceType.TOPIC, PREFIX, PatternType.PREFIXED, operation));
        }
        for (AclOperation operation : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
            acls.add(allow(WORKER_USER, ResourceType.GROUP, PREFIX, PatternType.PREFIXED, operation));
        }
        String prompts = topics.topics().prompts();
        acls.add(allow(CLIENT_USER, ResourceType.TOPIC, prompts, PatternType.LITERAL, AclOperation.WRITE));
        acls.add(allow(CLIENT_USER, ResourceType.TOPIC, prompts, PatternType.LITERAL, AclOperation.DESCRIBE));
        for (String answers : List.of(
                topics.topics().chunks(),
                topics.topics().completions(),
                topics.topics().metrics())) {
            acls.add(allow(CLIENT_USER, ResourceType.TOPIC, answers, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(CLIENT_USER, ResourceType.TOPIC, answers, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        return acls;
    }

    static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static void createUsers(String bootstrap, Map<String, Object> admin, Map<String, String> passwords)
            throws InterruptedException {
        try (Admin client = Admin.create(properties(bootstrap, admin))) {
            List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> upserts = new ArrayList<>();
            passwords.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(
                    user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
            client.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the SCRAM users: " + e, e);
        }
    }

    private static void createAcls(String bootstrap, Map<String, Object> admin, List<AclBinding> acls)
            throws InterruptedException {
        try (Admin client = Admin.create(properties(bootstrap, admin))) {
            client.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the ACLs: " + e, e);
        }
    }

    private static void createTopic(String bootstrap, Map<String, Object> admin, String topic)
            throws InterruptedException {
        try (Admin client = Admin.create(properties(bootstrap, admin))) {
            client.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create " + topic + ": " + e, e);
        }
    }

    /** A new SCRAM credential reaches the broker through the metadata log; wait until it authenticates. */
    private static void awaitAuthenticates(String bootstrap, Map<String, String> config) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Admin client = Admin.create(clientProperties(bootstrap, config))) {
                client.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a new SCRAM user cannot authenticate after 30 s: " + e, e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** What the worker process gets: each {@code kafka.*} client setting as its {@code SPECOPS_KAFKA_*} variable. */
    static Map<String, String> environment(Map<String, String> kafkaSettings) {
        Map<String, String> environment = new LinkedHashMap<>();
        kafkaSettings.forEach((key, value) ->
                environment.put("SPECOPS_KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return environment;
    }

    private record Probe(String what, boolean refused, String outcome) {}

    private interface Action {
        void run() throws ExecutionException, InterruptedException, TimeoutException;
    }

    /** Runs {@code action}; refused means an authorization error, or no answer within the clients' timeouts. */
    private static Probe probe(String what, Action action) throws InterruptedException {
        try {
            action.run();
            return new Probe(what, false, "ALLOWED");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            boolean refused = cause instanceof AuthorizationException
                    || cause instanceof AuthenticationException
                    || cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException;
            return new Probe(what, refused, cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()));
        }
    }

    /**
     * Polls for up to 30 s; an authorization error ends it with an exception, which is what the probes
     * expect. Throws if records came back instead.
     */
    private static void pollUntilRefused(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int records = 0;
        while (System.nanoTime() < deadline) {
            records += consumer.poll(Duration.ofMillis(200)).count();
        }
        if (records > 0) {
            throw new IllegalStateException("read " + records + " records");
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, String> config, String group) {
        Properties properties = clientProperties(bootstrap, config);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (group != null) {
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> config) {
        Properties properties = clientProperties(bootstrap, config);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Properties clientProperties(String bootstrap, Map<String, String> config) {
        Properties properties = new Properties();
        properties.putAll(config);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return properties;
    }

    static Properties properties(String bootstrap, Map<String, Object> config) {
        Properties properties = new Properties();
        properties.putAll(config);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return properties;
    }

    private static CompletionResult await(CompletionHandle handle) throws InterruptedException {
        try {
            return handle.result().get(3, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** The process's command line as the host shows it to every user ({@code /proc/<pid>/cmdline}). */
    private static String commandLine(long pid) throws IOException {
        Path file = Path.of("/proc", Long.toString(pid), "cmdline");
        return Files.exists(file)
                ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace('\0', ' ')
                : ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String seconds(long nanos) {
        return KillCase.seconds(nanos / 1_000_000);
    }
}
