package io.specops.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker, running in KRaft mode with the broker and controller roles in one server,
 * listening on loopback only. It backs the {@code demo} command and the integration tests, where no Docker engine
 * is available.
 *
 * <p><b>Lifecycle.</b> {@link #start(Path)}, {@link #startTemporary()} or {@link Builder#start()} formats the storage
 * (only if the directory was never formatted), starts the broker inside this JVM and returns once the broker is
 * registered, unfenced and answering requests. Whoever starts a broker must {@link #close()} it (try-with-resources):
 * until then it holds its threads, two ports and its files. {@code close()} shuts the broker down and deletes the data
 * directory if, and only if, this class created it ({@link #startTemporary()}, or a builder without a data
 * directory); a directory passed in is kept, so that its topics survive. Nothing is registered to run at JVM exit: a
 * process that exits without closing leaves a temporary data directory behind.
 *
 * <p><b>Restarting.</b> The broker's whole configuration derives from the data directory, the two ports and the builder
 * options, and a formatted directory is never formatted again. A broker is therefore restarted by closing it and
 * starting a new one on the same directory with {@code builder().port(old.port())
 * .controllerPort(old.controllerPort())}: clients keep their bootstrap address, and topics, committed offsets and
 * transactions are recovered from the directory. A later {@code restart()} method can do exactly that.
 *
 * <p><b>Why in-process.</b> The broker is Kafka's own {@code KafkaRaftServer} from the published {@code kafka_2.13}
 * artifact, the server the {@code kafka-server-start} script runs, so it behaves like a production broker
 * (transactions, {@code exactly_once_v2}, consumer groups) rather than a mock. It runs in this JVM rather than a child
 * JVM because then there is no {@code java} binary or classpath to rebuild (which differs between the shaded jar and
 * Surefire), start-up is not slowed by a second JVM warming up, a crashed caller cannot leave an orphan broker process
 * behind, and the broker's logging goes through the same SLF4J and logback configuration. Kafka's test kit
 * ({@code KafkaClusterTestKit}) was not used because it is a test-only artifact that would drag unpublished test jars
 * into the product. The costs of sharing the JVM: the broker uses this process's heap and threads; a fault that Kafka
 * treats as fatal (such as an unreadable metadata log) ends the whole process, as it would end a broker process; and
 * Kafka's server metrics live in a JVM-wide registry, so two brokers in one JVM report into the same server metrics.
 *
 * <p>Formatting uses Kafka's {@code kafka-storage format} tool with a static controller quorum of this one node, so
 * that the quorum is defined by configuration alone and a restart may use any ports. The configuration written for it
 * is kept as {@code server.properties} in the data directory for inspection. The broker's own log messages are not
 * written to a file: they go to this process's SLF4J output under the loggers {@code kafka} and {@code
 * org.apache.kafka}.
 *
 * <p><b>Security.</b> By default the client listener is {@code PLAINTEXT} and nothing is authorized. With
 * {@link Builder#scramSuperUser} clients must authenticate with SASL SCRAM-SHA-512 and every request is checked by
 * KRaft's {@code StandardAuthorizer} against ACLs (a principal without a matching ACL is denied); with {@link
 * Builder#tls} as well the listener is {@code SASL_SSL}. The super user's credential is written into the metadata log
 * when the directory is formatted, so a restart must name the same super user and password; other users and ACLs are
 * created through {@link Admin} with {@link #adminClientConfig()}. The controller listener, which only this broker's
 * own broker role uses, then takes SASL PLAIN with a random per-start password, because a KRaft controller cannot check
 * SCRAM credentials before it has read the metadata log.
 *
 * <p>Instances are safe to use from several threads; {@link #close()} is idempotent.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOG_DIRECTORY_NAME = "kraft-combined-logs";
    /** The SASL mechanism of a secured client listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    /** The principal this broker's broker role authenticates as on its own controller listener. */
    private static final String CONTROLLER_USER = "embedded-controller";
    /** Makes the controller listener's password. */
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** User names and passwords end up in JAAS and kafka-storage arguments; anything else would need quoting. */
    private static final java.util.regex.Pattern CREDENTIAL = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

    private static final String CONFIG_FILE_NAME = "server.properties";
    private static final String META_PROPERTIES = "meta.properties";
    /** Another process may take an ephemeral port between our probe and the broker's bind; try a few times. */
    private static final int BIND_ATTEMPTS = 3;
    /** How long a start-up that timed out may take to end before it is left to itself. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(30);

    /** Keys that define the node, its listeners and its storage: set here, so that a caller cannot break them. */
    private static final Set<String> RESERVED_PROPERTIES = Set.of(
            "process.roles",
            "node.id",
            "broker.id",
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "controller.listener.names",
            "inter.broker.listener.name",
            "controller.quorum.voters",
            "controller.quorum.bootstrap.servers",
            "log.dir",
            "log.dirs",
            "metadata.log.dir");

    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final KafkaRaftServer server;
    private final Security security;
    /** Guards {@link #closed}; private, so that no caller can hold up a close by locking the instance. */
    private final Object lock = new Object();

    private boolean closed;

    private EmbeddedKafka(
            Path dataDirectory,
            boolean deleteOnClose,
            int port,
            int controllerPort,
            String clusterId,
            KafkaRaftServer server,
            Security security) {
        this.dataDirectory = dataDirectory;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.server = server;
        this.security = security;
    }

    /**
     * Starts a broker with default options on free ports, keeping its data in {@code dataDirectory} (created if
     * missing, formatted on first use, reused afterwards and never deleted by this class).
     */
    public static EmbeddedKafka start(Path dataDirectory) {
        return builder().dataDirectory(dataDirectory).start();
    }

    /** Starts a broker with default options on free ports, in a new temporary directory deleted by {@link #close()}. */
    public static EmbeddedKafka startTemporary() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address for clients' {@code bootstrap.servers}: {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return LOOPBACK + ":" + port;
    }

    /** The port of the client listener, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The port of the KRaft controller listener, on 127.0.0.1; needed only to restart on the same ports. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The directory holding the broker's configuration and its log directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The cluster id that the data directory was formatted with. */
    public String clusterId() {
        return clusterId;
    }

    /** The client listener's security protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
    public String securityProtocol() {
        return security.protocol();
    }

    /**
     * Client settings that reach this broker as its super user: empty for a plaintext broker; else {@code
     * security.protocol}, the SCRAM {@code sasl.*} settings and, over TLS, the trust store. Admin clients given these
     * may create users, ACLs and topics.
     */
    public Map<String, Object> adminClientConfig() {
        return Map.copyOf(new LinkedHashMap<String, Object>(
                security.clientConfig(security.superUser(), security.superPassword())));
    }

    /**
     * Client settings for {@code user} with {@code password} on this broker's client listener (the same keys as
     * {@link #adminClientConfig()}); the user's SCRAM credential and ACLs are the caller's to create.
     *
     * @throws IllegalStateException if the broker does not take SASL
     */
    public Map<String, String> clientConfig(String user, String password) {
        if (security.superUser() == null) {
            throw new IllegalStateException("this broker's listener is " + security.protocol() + ", not SASL");
        }
        checkCredential("user", user);
        checkCredential("password", password);
        return security.clientConfig(user, password);
    }

    /**
     * Shuts the broker down, waiting for it to finish, then deletes the data directory if this class created it. Later
     * calls do nothing.
     *
     * @throws UncheckedIOException if the temporary data directory cannot be deleted (the broker is stopped by then)
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            long startNanos = System.nanoTime();
            shutDown(server);
            LOG.debug("Kafka broker on port {} stopped in {} ms", port, elapsedMillis(startNanos));
            if (deleteOnClose) {
                deleteRecursively(dataDirectory);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + dataDirectory + "]";
    }

    /** Options for a broker; every option has a default, and {@link #start()} may be called more than once. */
    public static final class Builder {

        private Path dataDirectory;
        private int port;
        private int controllerPort;
        private int defaultPartitions = 1;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private String superUser;
        private String superPassword;
        private TlsStores tls;

        private Builder() {}

        /**
         * Where the broker keeps its data; created if missing and kept on close. Without it, a temporary directory is
         * created and deleted on close.
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The client listener's port on 127.0.0.1; 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The controller listener's port on 127.0.0.1; 0, the default, picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** Partitions of a topic created without a partition count (Kafka's {@code num.partitions}); default 1. */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be at least 1, got " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /** How long {@link #start()} waits for the broker to serve requests before it fails; default 60 s. */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Sets a broker configuration property, overriding this class's default for it. The properties that define the
         * node, its listeners and its directories cannot be set.
         */
        public Builder brokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (RESERVED_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException("Broker property " + key + " is managed by EmbeddedKafka; "
                        + "use the builder's dataDirectory, port and controllerPort options instead");
            }
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Requires SASL SCRAM-SHA-512 on the client listener and authorizes every request with KRaft's {@code
         * StandardAuthorizer}; {@code user} becomes a super user with {@code password} (both of letters, digits,
         * {@code . _ -}). Without {@link #tls} the listener is {@code SASL_PLAINTEXT}.
         */
        public Builder scramSuperUser(String user, String password) {
            this.superUser = checkCredential("user", user);
            this.superPassword = checkCredential("password", password);
            return this;
        }

        /**
         * Serves the client listener over TLS with the PKCS12 {@code keyStore} (the broker's key and certificate, which
         * must name 127.0.0.1); {@code trustStore} is what clients trust, handed out by {@link #adminClientConfig()}
         * and {@link #clientConfig}. Both stores are opened with {@code password}.
         */
        public Builder tls(Path keyStore, Path trustStore, String password) {
            this.tls = new TlsStores(
                    Objects.requireNonNull(keyStore, "keyStore").toAbsolutePath(),
                    Objects.requireNonNull(trustStore, "trustStore").toAbsolutePath(),
                    checkCredential("password", password));
            return this;
        }

        /**
         * Formats the data directory if needed and starts the broker.
         *
         * @throws IllegalStateException if the broker fails to start or is not ready within the startup timeout
         * @throws UncheckedIOException if the data directory cannot be created or written
         */
        public EmbeddedKafka start() {
            boolean temporary = dataDirectory == null;
            Path directory;
            try {
                directory = temporary
                        ? Files.createTempDirectory("spec-ops-kafka-")
                        : Files.createDirectories(dataDirectory.toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka data directory " + dataDirectory, e);
            }
            try {
                return startIn(directory, temporary);
            } catch (RuntimeException | Error e) {
                if (temporary) {
                    try {
                        deleteRecursively(directory);
                    } catch (UncheckedIOException deletion) {
                        e.addSuppressed(deletion);
                    }
                }
                throw e;
            }
        }

        private EmbeddedKafka startIn(Path directory, boolean temporary) {
            boolean freePorts = port == 0 || controllerPort == 0;
            for (int attempt = 1; ; attempt++) {
                int brokerPort = port != 0 ? port : freeLoopbackPort();
                int quorumPort = controllerPort != 0 ? controllerPort : freeLoopbackPort(brokerPort);
                try {
                    return startOnce(directory, temporary, brokerPort, quorumPort);
                } catch (PortTakenException e) {
                    if (!freePorts || attempt == BIND_ATTEMPTS) {
                        throw new IllegalStateException(
                                "Kafka broker could not bind 127.0.0.1:" + brokerPort + " or 127.0.0.1:" + quorumPort
                                        + (freePorts ? " after " + attempt + " attempts with free ports" : ""),
                                e.getCause());
                    }
                    LOG.debug("Port taken before the Kafka broker could bind it, retrying with other ports", e);
                }
            }
        }

        private EmbeddedKafka startOnce(Path directory, boolean temporary, int brokerPort, int quorumPort) {
            long startNanos = System.nanoTime();
            Path logDirectory = directory.resolve(LOG_DIRECTORY_NAME);
            Security security = new Security(superUser, superPassword, tls);
            Properties properties = brokerConfig(logDirectory, brokerPort, quorumPort, security);
            // Parsed first so that a bad broker property is reported as such, not as a formatting failure.
            KafkaConfig config = KafkaConfig.fromProps(properties, false);
            Path configFile = directory.resolve(CONFIG_FILE_NAME);
            writeConfig(properties, configFile);
            String clusterId = formatIfNeeded(configFile, logDirectory, security);

            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            String where = "127.0.0.1:" + brokerPort + " (data directory " + directory + ")";
            // startup() can block for as long as the controller quorum is unreachable, so bound it from outside.
            CompletableFuture<Void> startup = new CompletableFuture<>();
            Thread starter = new Thread(
                    () -> {
                        try {
                            server.startup();
                            startup.complete(null);
                        } catch (Throwable t) {
                            startup.completeExceptionally(t);
                        }
                    },
                    "embedded-kafka-startup-" + brokerPort);
            starter.setDaemon(true);
            starter.start();
            long deadlineNanos = startNanos + startupTimeout.toNanos();
            try {
                startup.get(remainingMillis(deadlineNanos), TimeUnit.MILLISECONDS);
                awaitReady(LOOPBACK + ":" + brokerPort, security, deadlineNanos);
            } catch (ExecutionException e) {
                shutDown(server);
                Throwable cause = e.getCause();
                if (isBindFailure(cause)) {
                    throw new PortTakenException(cause);
                }
                throw new IllegalStateException("Kafka broker on " + where + " failed to start: " + cause, cause);
            } catch (TimeoutException e) {
                abandon(server, startup);
                throw new IllegalStateException("Kafka broker on " + where + " was not ready within "
                        + startupTimeout.toMillis() + " ms; its log messages are in this process's log output "
                        + "(loggers kafka and org.apache.kafka), its configuration in " + configFile);
            } catch (InterruptedException e) {
                abandon(server, startup);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting the Kafka broker on " + where, e);
            } catch (RuntimeException | Error e) {
                shutDown(server);
                throw e;
            }
            EmbeddedKafka kafka =
                    new EmbeddedKafka(directory, temporary, brokerPort, quorumPort, clusterId, server, security);
            LOG.info(
                    "Kafka broker started on 127.0.0.1:{} ({}) in {} ms",
                    brokerPort,
                    security.protocol(),
                    elapsedMillis(startNanos));
            return kafka;
        }

        private Properties brokerConfig(Path logDirectory, int brokerPort, int quorumPort, Security security) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("num.partitions", Integer.toString(defaultPartitions));
            // A single broker can hold only one replica, and the internal topics default to three.
            config.put("default.replication.factor", "1");
            config.put("min.insync.replicas", "1");
            config.put("offsets.topic.replication.factor", "1");
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("share.coordinator.state.topic.replication.factor", "1");
            config.put("share.coordinator.state.topic.min.isr", "1");
            // Fewer partitions than the default 50: the first consumer group and transaction then start sooner.
            config.put("offsets.topic.num.partitions", "5");
            config.put("transaction.state.log.num.partitions", "5");
            // The first group member should not wait for others that a demo or a test will never start.
            config.put("group.initial.rebalance.delay.ms", "0");
            // Topics come from explicit definitions; a typo in a topic name should fail, not create a topic.
            config.put("auto.create.topics.enable", "false");
            // The log cleaner (for compacted topics) allocates this buffer up front; its 128 MiB default is
            // sized for a production broker, not for one that shares a JVM with an inference engine.
            config.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
            config.putAll(brokerProperties);

            config.put("process.roles", "broker,controller");
            config.put("node.id", Integer.toString(NODE_ID));
            config.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + quorumPort);
            config.put(
                    "listeners",
                    BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + LOOPBACK
                            + ":" + quorumPort);
            config.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort);
            config.put(
                    "listener.security.protocol.map",
                    BROKER_LISTENER + ":" + security.protocol() + "," + CONTROLLER_LISTENER + ":"
                            + (security.superUser() == null ? "PLAINTEXT" : "SASL_PLAINTEXT"));
            config.put("controller.listener.names", CONTROLLER_LISTENER);
            config.put("inter.broker.listener.name", BROKER_LISTENER);
            config.put("log.dirs", logDirectory.toString());
            config.putAll(security.brokerConfig());

            Properties properties = new Properties();
            properties.putAll(config);
            return properties;
        }

        private static void writeConfig(Properties properties, Path configFile) {
            try {
                // The file may hold passwords (JAAS settings): readable by this user only, where the file system lets
                // us.
                Files.deleteIfExists(configFile);
                if (configFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(
                            configFile,
                            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka configuration " + configFile, e);
            }
            try (OutputStream out = Files.newOutputStream(configFile)) {
                properties.store(out, "Written by io.specops.kafka.EmbeddedKafka on each start");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the Kafka configuration " + configFile, e);
            }
        }

        /** Formats a new log directory and returns the cluster id that the log directory carries. */
        private static String formatIfNeeded(Path configFile, Path logDirectory, Security security) {
            Path metaProperties = logDirectory.resolve(META_PROPERTIES);
            if (!Files.exists(metaProperties)) {
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                List<String> format = new java.util.ArrayList<>(List.of(
                        "format",
                        "--config",
                        configFile.toString(),
                        "--cluster-id",
                        Uuid.randomUuid().toString()));
                if (security.superUser() != null) {
                    // The super user's credential goes into the metadata log itself: no client could create it later,
                    // since every client must first authenticate.
                    format.add("--add-scram");
                    format.add(SCRAM_MECHANISM + "=[name=" + security.superUser() + ",password="
                            + security.superPassword() + "]");
                }
                String[] arguments = format.toArray(String[]::new);
                int exitCode;
                try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                    exitCode = StorageTool.execute(arguments, print);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(
                            "Formatting the Kafka log directory " + logDirectory + " failed: " + e.getMessage()
                                    + "; output: " + output.toString(StandardCharsets.UTF_8),
                            e);
                }
                if (exitCode != 0) {
                    throw new IllegalStateException("Formatting the Kafka log directory " + logDirectory
                            + " failed with exit code " + exitCode + "; output: "
                            + output.toString(StandardCharsets.UTF_8));
                }
            }
            Properties meta = new Properties();
            try (InputStream in = Files.newInputStream(metaProperties)) {
                meta.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + metaProperties, e);
            }
            String clusterId = meta.getProperty("cluster.id");
            String nodeId = meta.getProperty("node.id");
            if (clusterId == null || !Integer.toString(NODE_ID).equals(nodeId)) {
                throw new IllegalStateException(metaProperties + " does not describe an EmbeddedKafka node (cluster.id "
                        + clusterId + ", node.id " + nodeId + ", expected node.id " + NODE_ID + ")");
            }
            return clusterId;
        }

        /**
         * Waits until the broker lists itself in the cluster metadata: only an unfenced broker does, and only then can
         * topics be created on it.
         */
        private static void awaitReady(String bootstrapServers, Security security, long deadlineNanos)
                throws InterruptedException, TimeoutException {
            Map<String, Object> config =
                    new LinkedHashMap<>(security.clientConfig(security.superUser(), security.superPassword()));
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
            Admin admin = Admin.create(config);
            try {
                while (true) {
                    long remaining = remainingMillis(deadlineNanos);
                    try {
                        List<Node> nodes = List.copyOf(admin.describeCluster(
                                        new DescribeClusterOptions().timeoutMs((int) Math.min(remaining, 5_000)))
                                .nodes()
                                .get(remaining, TimeUnit.MILLISECONDS));
                        if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
                            return;
                        }
                    } catch (ExecutionException e) {
                        // Not serving yet: ask again until the deadline.
                    }
                    Thread.sleep(Math.min(50, remainingMillis(deadlineNanos)));
                }
            } finally {
                // Unbounded, close() would wait for requests that a broker being abandoned may never answer.
                admin.close(Duration.ofSeconds(5));
            }
        }
    }

    private static void shutDown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly", e);
        }
    }

    /**
     * Stops a broker whose start-up is still running in another thread. A shutdown that overtakes start-up would not
     * stop what start-up goes on to start, so the broker is shut down again once start-up has ended.
     */
    private static void abandon(KafkaRaftServer server, CompletableFuture<Void> startup) {
        shutDown(server);
        try {
            startup.get(ABANDON_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.debug("Abandoned Kafka broker start-up failed", e.getCause());
        } catch (TimeoutException e) {
            LOG.warn("Abandoned Kafka broker start-up still running after {} s", ABANDON_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutDown(server);
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, got " + port);
        }
        return port;
    }

    private static int freeLoopbackPort(int... excluded) {
        while (true) {
            int candidate;
            try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                channel.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 1);
                candidate = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
            }
            int free = candidate;
            if (Arrays.stream(excluded).noneMatch(port -> port == free)) {
                return candidate;
            }
        }
    }

    private static boolean isBindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static long remainingMillis(long deadlineNanos) throws TimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remaining <= 0) {
            throw new TimeoutException();
        }
        return remaining;
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try {
            PathUtils.deleteDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the temporary Kafka data directory " + directory, e);
        }
    }

    private static String checkCredential(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!CREDENTIAL.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must consist of letters, digits, '.', '_' and '-'");
        }
        return value;
    }

    /** The broker's TLS material: its PKCS12 key store, and the trust store its clients need. */
    private record TlsStores(Path keyStore, Path trustStore, String password) {
        @Override
        public String toString() {
            return "TlsStores[" + keyStore + ", " + trustStore + "]";
        }
    }

    /**
     * How the client listener is secured: a SCRAM super user (or none, for no SASL and no authorizer) and TLS stores
     * (or none). The controller password is new on every start; only this broker's own broker role uses it.
     */
    private record Security(String superUser, String superPassword, TlsStores tls, String controllerPassword) {

        Security(String superUser, String superPassword, TlsStores tls) {
            this(superUser, superPassword, tls, superUser == null ? null : randomPassword());
        }

        /** Without the passwords, which a generated toString() would show. */
        @Override
        public String toString() {
            return "Security[" + protocol() + ", super user " + superUser + ", " + tls + "]";
        }

        String protocol() {
            if (superUser == null) {
                return tls == null ? "PLAINTEXT" : "SSL";
            }
            return tls == null ? "SASL_PLAINTEXT" : "SASL_SSL";
        }

        Map<String, String> brokerConfig() {
            Map<String, String> config = new LinkedHashMap<>();
            String listener = "listener.name." + BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
            String controller = "listener.name." + CONTROLLER_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
            if (tls != null) {
                config.put("ssl.keystore.type", "PKCS12");
                config.put("ssl.keystore.location", tls.keyStore().toString());
                config.put("ssl.keystore.password", tls.password());
                config.put("ssl.key.password", tls.password());
                // The broker is also a client of its own listener (transaction markers go to the partition leader).
                config.put("ssl.truststore.type", "PKCS12");
                config.put("ssl.truststore.location", tls.trustStore().toString());
                config.put("ssl.truststore.password", tls.password());
            }
            if (superUser != null) {
                config.put(listener + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
                config.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
                config.put(
                        listener + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                        scramJaas(superUser, superPassword));
                config.put(controller + "sasl.enabled.mechanisms", "PLAIN");
                config.put("sasl.mechanism.controller.protocol", "PLAIN");
                config.put(
                        controller + "plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                                + CONTROLLER_USER + "\" password=\"" + controllerPassword + "\" user_" + CONTROLLER_USER
                                + "=\"" + controllerPassword + "\";");
                config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                config.put("super.users", "User:" + superUser + ";User:" + CONTROLLER_USER);
                config.put("allow.everyone.if.no.acl.found", "false");
            }
            return config;
        }

        /** Client settings for one user; empty for a plaintext listener. */
        Map<String, String> clientConfig(String user, String password) {
            Map<String, String> config = new LinkedHashMap<>();
            if (!"PLAINTEXT".equals(protocol())) {
                config.put("security.protocol", protocol());
            }
            if (superUser != null) {
                config.put("sasl.mechanism", SCRAM_MECHANISM);
                config.put("sasl.jaas.config", scramJaas(user, password));
            }
            if (tls != null) {
                config.put("ssl.truststore.type", "PKCS12");
                config.put("ssl.truststore.location", tls.trustStore().toString());
                config.put("ssl.truststore.password", tls.password());
            }
            return config;
        }

        private static String scramJaas(String user, String password) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }

        private static String randomPassword() {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }

    /** A start failed only because a port was taken: retrying on other ports may succeed. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(Throwable cause) {
            super(cause);
        }
    }
}
