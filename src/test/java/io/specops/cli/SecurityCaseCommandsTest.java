package io.specops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.kafka.EmbeddedKafka;
import io.specops.streams.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands on a broker that requires SASL SCRAM and authorizes with ACLs: topics and prompt reach
 * it through --command-config, and a worker the broker refuses ends at once and says why.
 */
class SecurityCaseCommandsTest {

    private static final String USER = "specops-ops";

    @TempDir
    Path directory;

    @Test
    void topics_creates_the_topics_as_a_scram_user_and_prompt_reports_a_wrong_password() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .dataDirectory(directory.resolve("kafka"))
                .scramSuperUser("admin", "admin-secret")
                .start()) {
            assertThat(kafka.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
            Properties admin = new Properties();
            admin.putAll(kafka.adminClientConfig());
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin client = Admin.create(admin)) {
                client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                                USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "ops-secret")))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                ResourcePattern topics = new ResourcePattern(ResourceType.TOPIC, "specops.", PatternType.PREFIXED);
                client.createAcls(List.of(AclOperation.CREATE, AclOperation.DESCRIBE).stream()
                                .map(operation -> new AclBinding(
                                        topics,
                                        new AccessControlEntry(
                                                "User:" + USER, "*", operation, AclPermissionType.ALLOW)))
                                .toList())
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }

            StringWriter out = new StringWriter();
            int created = new CommandLine(new Main())
                    .setOut(new PrintWriter(out, true))
                    .execute(
                            "topics",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--command-config",
                            commandConfig("good.properties", "ops-secret").toString());

            assertThat(created).isZero();
            try (Admin client = Admin.create(admin)) {
                assertThat(client.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains(Topics.defaults().prompts(), Topics.defaults().completions());
            }

            StringWriter err = new StringWriter();
            int refused = new CommandLine(new Main())
                    .setErr(new PrintWriter(err, true))
                    .execute(
                            "prompt",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--command-config",
                            commandConfig("wrong.properties", "not-the-password")
                                    .toString(),
                            "Once upon a time");

            assertThat(refused).isNotZero();
            assertThat(err.toString()).contains("SaslAuthenticationException").contains("invalid credentials");
        }
    }

    @Test
    void a_worker_with_a_wrong_password_or_a_group_outside_its_acls_exits_before_loading_its_model() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .dataDirectory(directory.resolve("kafka"))
                .scramSuperUser("admin", "admin-secret")
                .start()) {
            Properties admin = new Properties();
            admin.putAll(kafka.adminClientConfig());
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin client = Admin.create(admin)) {
                client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                                USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "ops-secret")))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                client.createAcls(List.of(
                                allow(ResourceType.TOPIC, AclOperation.DESCRIBE),
                                allow(ResourceType.GROUP, AclOperation.READ)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }

            String wrongPassword = worker(kafka, "not-the-password", "specops-workers");
            String outsideGroup = worker(kafka, "ops-secret", "other-workers");

            assertThat(wrongPassword)
                    .startsWith("worker: Kafka at " + kafka.bootstrapServers() + " refused the worker's credentials")
                    .contains("invalid credentials")
                    .doesNotContain("not-the-password");
            assertThat(outsideGroup)
                    .contains("does not authorize the worker's principal for its consumer group other-workers");
        }
    }

    private static AclBinding allow(ResourceType type, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, "specops", PatternType.PREFIXED),
                new AccessControlEntry("User:" + USER, "*", operation, AclPermissionType.ALLOW));
    }

    /** Runs the worker command as {@value #USER}; it must return 1; returns what it wrote to stderr. */
    private String worker(EmbeddedKafka kafka, String password, String applicationId) {
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new Main())
                .setErr(new PrintWriter(err, true))
                .execute(
                        "worker",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        // No model there: the refusal must come before the worker loads one.
                        "--model",
                        directory.resolve("no-model").toString(),
                        "--set",
                        "worker.allow.unverified.model=true",
                        "--set",
                        "metrics.port=-1",
                        "--set",
                        "worker.state.dir=" + directory.resolve("state-" + applicationId),
                        "--set",
                        "worker.application.id=" + applicationId,
                        "--set",
                        "kafka.security.protocol=SASL_PLAINTEXT",
                        "--set",
                        "kafka.sasl.mechanism=SCRAM-SHA-512",
                        "--set",
                        "kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"" + USER + "\" password=\"" + password + "\";");
        assertThat(exitCode).as(err.toString()).isEqualTo(1);
        return err.toString().strip();
    }

    private Path commandConfig(String name, String password) throws Exception {
        Path file = directory.resolve(name);
        Properties properties = new Properties();
        properties.putAll(Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                                + "\" password=\"" + password + "\";"));
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file;
    }
}
