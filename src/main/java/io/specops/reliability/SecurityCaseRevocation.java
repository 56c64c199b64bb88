package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.engine.Engine;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Case 9, the ACL revoked mid-run: while a worker runs as {@value SecurityCase#WORKER_USER} and has
 * answered prompts, the super user deletes its READ on the consumer groups under
 * {@value SecurityCase#PREFIX}, so the worker can no longer commit offsets or heartbeat. A new stream
 * thread would be refused the same way, so the worker must stop: readiness false, an exit with an
 * error, and a log line that names the authorization failure. Prompts it took on before are in its
 * in-flight store or not yet committed, and prompts sent after the revocation stay on the topic as
 * committed lag; once the ACL is back, a new worker must answer all of them.
 */
final class SecurityCaseRevocation {

    private static final Pattern REPLACED = Pattern.compile("Stream thread failed; replacing it");
    /** The worker's line when the broker refuses it while it runs. */
    private static final String REFUSAL = "The broker refused this worker's credentials or ACLs";

    private SecurityCaseRevocation() {}

    /** The ACL the check deletes and restores. */
    static AclBinding groupRead() {
        return SecurityCase.allow(
                SecurityCase.WORKER_USER,
                ResourceType.GROUP,
                SecurityCase.PREFIX,
                PatternType.PREFIXED,
                AclOperation.READ);
    }

    /**
     * @param worker a worker of {@code fleet} that is RUNNING with {@code metrics.port} 0
     * @param answered the text of every prompt already sent to the case's topics, by request id
     */
    static void check(
            Engine engine,
            WorkerFleet fleet,
            String worker,
            String bootstrap,
            CaseTopics topics,
            Map<String, Object> admin,
            Map<String, String> clientKafka,
            SecurityCase.Settings settings,
            Map<String, String> answered,
            List<String> lines,
            List<String> failures)
            throws InterruptedException {
        long startNanos = System.nanoTime();
        List<PromptSpec> before = Driver.prompts(
                topics.prefix() + "-before-revoke", settings.seed() + 1, settings.prompts(), settings.maxTokens());
        List<PromptSpec> after = Driver.prompts(
                topics.prefix() + "-after-revoke", settings.seed() + 2, settings.prompts(), settings.maxTokens());
        Map<String, String> expected = new HashMap<>(answered);
        expected.putAll(Verifier.expectedText(engine, before));
        expected.putAll(Verifier.expectedText(engine, after));

        Stop stop = revokeAndAwaitStop(fleet, worker, bootstrap, topics, admin, clientKafka, before, after, settings);
        stop.report(fleet, worker, settings.refusalTimeout(), lines, failures);

        String group = topics.workerSettings().get("worker.application.id");
        long lag = committedLag(bootstrap, admin, group, topics.topics().prompts());
        lines.add("committed lag on the prompts topic once " + worker + " stopped: " + lag + " (" + after.size()
                + " prompts sent after the revocation, " + before.size() + " just before it)");
        if (lag < after.size()) {
            failures.add("committed lag " + lag + " is less than the " + after.size()
                    + " prompts sent after the revocation");
        }

        changeAcl(bootstrap, admin, true);
        answeredByNewWorker(fleet, bootstrap, topics, admin, expected, startNanos, lines, failures);
    }

    /**
     * What a probe saw of the worker after the revocation, in {@link System#nanoTime()} terms.
     *
     * @param unreadyNanos when {@code /health/ready} first answered other than 200; 0 if it never did
     */
    private record Stop(
            int readyBefore,
            int readyAfter,
            long revokedNanos,
            long unreadyNanos,
            OptionalInt exitCode,
            long exitNanos) {

        void report(WorkerFleet fleet, String worker, Duration timeout, List<String> lines, List<String> failures) {
            String refusal = fleet.log(worker)
                    .lines()
                    .filter(line -> line.contains(REFUSAL))
                    .findFirst()
                    .orElse("no line saying '" + REFUSAL + "'; last lines: "
                            + fleet.tail(worker, 3).replace('\n', ' '));
            int replaced = fleet.count(worker, REPLACED);
            lines.add("READ on group '" + SecurityCase.PREFIX + "' of " + SecurityCase.WORKER_USER + " deleted while "
                    + worker + " ran: /health/ready " + readyBefore + " before, "
                    + (unreadyNanos > 0
                            ? readyAfter + " " + seconds(unreadyNanos - revokedNanos) + " after the revocation"
                            : "still 200 after " + timeout.toSeconds() + " s")
                    + "; exit code " + (exitCode.isPresent() ? exitCode.getAsInt() : "none") + " "
                    + (exitCode.isPresent() ? "after " + seconds(exitNanos - revokedNanos) : "(still running; stopped)")
                    + "; stream threads replaced: " + replaced + "; it says: " + refusal);
            if (readyBefore != 200) {
                failures.add(worker + " was not ready before the revocation (" + readyBefore + ")");
            }
            if (unreadyNanos == 0) {
                failures.add(worker + " stayed ready after its group ACL was deleted");
            }
            if (exitCode.isEmpty() || exitCode.getAsInt() == 0) {
                failures.add(worker + " did not exit with an error within " + timeout.toSeconds()
                        + " s of its group ACL being deleted");
            }
            if (replaced > 0) {
                failures.add(worker + " replaced its stream thread " + replaced + " times after the revocation");
            }
            if (!refusal.contains(REFUSAL) || !refusal.contains("GroupAuthorizationException")) {
                failures.add(worker + " did not log the group authorization failure");
            }
        }
    }

    /**
     * Sends {@code before}, deletes the ACL, sends {@code after}, then probes readiness every 20 ms
     * and waits for the worker's exit, both up to the case's refusal timeout; a worker still running
     * then is stopped with SIGTERM.
     */
    private static Stop revokeAndAwaitStop(
            WorkerFleet fleet,
            String worker,
            String bootstrap,
            CaseTopics topics,
            Map<String, Object> admin,
            Map<String, String> clientKafka,
            List<PromptSpec> before,
            List<PromptSpec> after,
            SecurityCase.Settings settings)
            throws InterruptedException {
        int port = HealthProbe.loggedPort(fleet.log(worker));
        int readyBefore = port < 0 ? 0 : HealthProbe.readyStatus(port);
        long revokedNanos;
        try (Driver driver = new Driver(bootstrap, topics.topics(), new HashMap<>(clientKafka))) {
            driver.send(before);
            changeAcl(bootstrap, admin, false);
            revokedNanos = System.nanoTime();
            driver.send(after);
        }
        long deadline = revokedNanos + settings.refusalTimeout().toNanos();
        int readyAfter = 200;
        long unreadyNanos = 0;
        while (System.nanoTime() < deadline) {
            readyAfter = port < 0 ? 0 : HealthProbe.readyStatus(port);
            if (readyAfter != 200) {
                unreadyNanos = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        OptionalInt exitCode = fleet.awaitExit(worker, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        long exitNanos = System.nanoTime();
        if (exitCode.isEmpty()) {
            fleet.terminate(worker); // so that the rest of the check can go on
        }
        return new Stop(readyBefore, readyAfter, revokedNanos, unreadyNanos, exitCode, exitNanos);
    }

    /**
     * A new worker, started once the ACL is back, must answer every prompt of the case.
     *
     * @param startNanos when the check began, for the time it took in all
     */
    private static void answeredByNewWorker(
            WorkerFleet fleet,
            String bootstrap,
            CaseTopics topics,
            Map<String, Object> admin,
            Map<String, String> expected,
            long startNanos,
            List<String> lines,
            List<String> failures)
            throws InterruptedException {
        long restoredNanos = System.nanoTime();
        String replacement;
        try {
            replacement = fleet.start();
            fleet.awaitRunning(replacement, 1, Duration.ofMinutes(2));
        } catch (IOException | IllegalStateException e) {
            failures.add("no worker ran after the ACL was restored: " + e.getMessage());
            return;
        }
        lines.add("ACL restored, " + replacement + " RUNNING " + seconds(System.nanoTime() - restoredNanos) + " later");
        OutputSnapshot.awaitTerminals(bootstrap, topics.topics(), admin, expected.keySet(), Duration.ofMinutes(2));
        Thread.sleep(1000); // the last chunks may trail their terminal records by a punctuation
        Verifier.Report report = Verifier.check(
                OutputSnapshot.read(bootstrap, topics.topics(), admin), new Verifier.Expectations(expected, Map.of()));
        lines.add("verifier, all " + expected.size() + " prompts: "
                + report.lines().get(report.lines().size() - 1) + " (the revocation check took "
                + seconds(System.nanoTime() - startNanos) + ")");
        if (!report.delivered()) {
            failures.add("the verifier found faults after the revocation");
        }
    }

    /** Deletes or restores {@link #groupRead()} as the super user. */
    private static void changeAcl(String bootstrap, Map<String, Object> admin, boolean restore)
            throws InterruptedException {
        AclBinding acl = groupRead();
        try (Admin client = Admin.create(SecurityCase.properties(bootstrap, admin))) {
            if (restore) {
                client.createAcls(List.of(acl)).all().get(30, TimeUnit.SECONDS);
            } else {
                client.deleteAcls(List.of(acl.toFilter())).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot " + (restore ? "restore " : "delete ") + acl + ": " + e, e);
        }
    }

    private static long committedLag(String bootstrap, Map<String, Object> admin, String group, String topic)
            throws InterruptedException {
        try (Admin client = Admin.create(SecurityCase.properties(bootstrap, admin))) {
            return GroupLag.of(client, group, topic, Duration.ofSeconds(30));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the committed lag of " + group + ": " + e, e);
        }
    }

    private static String seconds(long nanos) {
        return KillCase.seconds(nanos / 1_000_000);
    }
}
