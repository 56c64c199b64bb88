package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 9, short: a worker process and the client on a SASL_SSL broker with ACLs, each refused outside
 * its ACLs, secrets kept out of the worker's log; the worker's group ACL deleted while it runs, after
 * which it must exit with an error and a new worker must answer every prompt once the ACL is back. The refused worker processes of the long run are
 * checked in process by {@code SecurityCaseCommandsTest}.
 */
class SecurityCaseTest {

    @TempDir
    Path directory;

    @Test
    void worker_and_client_work_within_their_acls_are_refused_outside_them_and_a_revoked_worker_stops()
            throws Exception {
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = SecurityCase.run(
                    engine, directory, new SecurityCase.Settings(9, 6, 16, true, false, Duration.ofSeconds(60)));
            System.out.print(result.text());

            assertThat(result.lines()).anyMatch(line -> line.startsWith("broker: SASL_SSL"));
            assertThat(result.lines())
                    .anyMatch(line -> line.contains("6/6 answers finished with the engine's own text"));
            assertThat(result.lines())
                    .anyMatch(line -> line.contains("[sasl.jaas.config, ssl.truststore.password] shown as [redacted]")
                            && line.contains("found in the log: 0, on the command line: 0"));
            assertThat(result.lines())
                    .filteredOn(line -> line.startsWith("refused: "))
                    .hasSize(6);
            assertThat(result.lines()).anyMatch(line -> line.startsWith("SpecOpsClient with a wrong password: Sasl"));
            assertThat(result.lines())
                    .anyMatch(line -> line.startsWith("READ on group 'specops.' of specops-worker deleted")
                            && line.contains("/health/ready 200 before")
                            && line.contains("exit code 1 after")
                            && line.contains("stream threads replaced: 0")
                            && line.contains("GroupAuthorizationException"));
            assertThat(result.lines())
                    .anyMatch(line -> line.startsWith("verifier, all 18 prompts: ALL-RECORDS-DELIVERED"));
            assertThat(result.lines().get(result.lines().size() - 1)).isEqualTo("ALL-CHECKS-PASSED");
            assertThat(result.passed()).isTrue();
        }
    }
}
