package dev.amber.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amber.cli.CliRun;
import dev.amber.cli.retention.TarArchives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amber agent} without a cluster: one pass with --once, the index reused by the next start. */
class AgentCommandTest {
    @TempDir
    Path dir;

    @TempDir
    Path work;

    private CliRun amber(String... args) {
        return CliRun.of(args);
    }

    @Test
    void oncePassAppliesThePolicyAndTheNextStartReadsNothingAgain() throws Exception {
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        Path oldest = TarArchives.write(dir, work, "shop", "web", "app", t);
        Path middle = TarArchives.write(dir, work, "shop", "web", "app", t.plusSeconds(60));
        Path newest = TarArchives.write(dir, work, "shop", "web", "app", t.plusSeconds(120));
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, "globalPolicy: {maxCheckpointsPerContainer: 1}\n");
        Path state = work.resolve("state");

        CliRun first = amber(
                "agent",
                "--once",
                "--listen",
                "none",
                "--dir",
                dir.toString(),
                "--state-dir",
                state.toString(),
                "--policy-file",
                policy.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("indexed 3 archives (3 read, 0 unchanged")
                .contains("deleted 2, kept 1");
        assertThat(oldest).doesNotExist();
        assertThat(middle).doesNotExist();
        assertThat(newest).exists();

        CliRun second = amber(
                "agent",
                "--once",
                "--listen",
                "none",
                "--dir",
                dir.toString(),
                "--state-dir",
                state.toString(),
                "--policy-file",
                policy.toString());
        assertThat(second.out()).contains("indexed 1 archives (0 read, 1 unchanged");
    }

    @Test
    void refusesToServeTokensInClearUnlessTold() throws Exception {
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, "{}\n");
        CliRun run = amber(
                "agent",
                "--dir",
                dir.toString(),
                "--state-dir",
                work.resolve("s").toString(),
                "--policy-file",
                policy.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.err().strip()).doesNotContain("\n").contains("--tls-cert");
        CliRun noNode = amber(
                "agent",
                "--once",
                "--dir",
                dir.toString(),
                "--state-dir",
                work.resolve("s").toString(),
                "--node-name",
                "");
        assertThat(noNode.exit()).isNotZero();
        assertThat(noNode.err()).contains("NODE_NAME");
    }

    @Test
    void aMalformedListenAddressFailsBeforeAnyArchiveIsDeleted() throws Exception {
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        Path older = TarArchives.write(dir, work, "shop", "web", "app", t);
        TarArchives.write(dir, work, "shop", "web", "app", t.plusSeconds(60));
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, "globalPolicy: {maxCheckpointsPerContainer: 1}\n");
        CliRun run = amber(
                "agent",
                "--listen",
                "10443",
                "--plain-http",
                "--dir",
                dir.toString(),
                "--state-dir",
                work.resolve("s").toString(),
                "--policy-file",
                policy.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("--listen wants HOST:PORT");
        assertThat(older).exists();
    }

    @Test
    void kubeletRoutesExcludeEachOtherAndNeedACluster() throws Exception {
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, "{}\n");
        String state = work.resolve("s").toString();
        CliRun both = amber(
                "agent",
                "--once",
                "--dir",
                dir.toString(),
                "--state-dir",
                state,
                "--node-name",
                "node-a",
                "--kubelet-via-apiserver",
                "--kubelet-insecure-tls");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err()).contains("--kubelet-via-apiserver").contains("--kubelet-insecure-tls");
        CliRun caAndInsecure = amber(
                "agent",
                "--once",
                "--dir",
                dir.toString(),
                "--state-dir",
                state,
                "--node-name",
                "node-a",
                "--kubelet-ca",
                work.resolve("ca.crt").toString(),
                "--kubelet-insecure-tls");
        assertThat(caAndInsecure.exit()).isNotZero();
        assertThat(caAndInsecure.err()).contains("exclude each other");
        CliRun standalone = amber(
                "agent",
                "--once",
                "--listen",
                "none",
                "--dir",
                dir.toString(),
                "--state-dir",
                state,
                "--policy-file",
                policy.toString(),
                "--kubelet-insecure-tls");
        assertThat(standalone.exit()).isNotZero();
        assertThat(standalone.err()).contains("need a cluster");
    }
}
