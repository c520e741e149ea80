package dev.amber.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.amber.agent.checkpoint.CheckpointOperations.Outcome;
import dev.amber.agent.checkpoint.CheckpointOperations.Refused;
import dev.amber.agent.checkpoint.CheckpointOperations.Started;
import dev.amber.agent.checkpoint.CheckpointOperations.Why;
import dev.amber.agent.export.RegistryTargetExporter;
import dev.amber.agent.export.TargetExporter;
import dev.amber.agent.store.ArchiveFiles;
import dev.amber.agent.testing.FakeKubelet;
import dev.amber.agent.testing.MutableClock;
import dev.amber.image.registry.RegistryOptions;
import dev.amber.kube.agent.CheckpointOperation;
import dev.amber.kube.agent.CheckpointOperation.State;
import dev.amber.kube.agent.CheckpointRequest;
import dev.amber.kube.agent.CheckpointRequest.ExportTarget;
import dev.amber.kube.kubelet.KubeletCheckpointClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations against a fake kubelet that writes real archives: what is started, refused and reported, and what is
 * kept. The kubelet client makes one attempt here, so each scripted answer is the operation's answer.
 */
class CheckpointOperationsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TargetExporter NO_PUSH = (archive, target) -> {
        throw new IOException("no registry in this test");
    };

    @TempDir
    Path dir;

    @TempDir
    Path temp;

    private FakeKubelet kubelet;
    private CheckpointOperations operations;

    @BeforeEach
    void setUp() {
        kubelet = new FakeKubelet(dir);
        operations = operations(NO_PUSH, Clock.systemUTC(), 10, 8);
    }

    @AfterEach
    void tearDown() {
        kubelet.release();
        operations.close();
    }

    private CheckpointOperations operations(TargetExporter exporter, Clock clock, int maxFinished, int maxRunning) {
        return new CheckpointOperations(
                new KubeletCheckpointClient(kubelet, 1, Duration.ZERO),
                new ArchiveFiles(dir),
                exporter,
                clock,
                CheckpointOperations.KEEP_FINISHED,
                maxFinished,
                maxRunning);
    }

    private static CheckpointRequest request(String id, String container) {
        return new CheckpointRequest(id, "shop", "web", container, 30, null);
    }

    private CheckpointOperation started(Outcome outcome, boolean created) {
        assertThat(outcome).isInstanceOf(Started.class);
        Started started = (Started) outcome;
        assertThat(started.created()).isEqualTo(created);
        return started.operation();
    }

    private CheckpointOperation finished(String id) {
        return await().atMost(WAIT)
                .until(() -> operations.find(id).orElseThrow().operation(), CheckpointOperation::finished);
    }

    @Test
    void succeedsWithTheArchivesSizeAndCriuStatistics() throws Exception {
        CheckpointOperation running = started(operations.start(request("op-1", "app")), true);
        assertThat(running.state()).isEqualTo(State.RUNNING);
        assertThat(running.id()).isEqualTo("op-1");

        CheckpointOperation done = finished("op-1");
        assertThat(done.state()).isEqualTo(State.SUCCEEDED);
        assertThat(done.reason()).isNull();
        assertThat(kubelet.calls()).containsExactly("/checkpoint/shop/web/app?timeout=30");
        assertThat(done.archivePath()).startsWith(FakeKubelet.NODE_DIRECTORY + "/checkpoint-web_shop-app-");
        Path local = dir.resolve(Path.of(done.archivePath()).getFileName());
        assertThat(done.archiveSize()).isEqualTo(Files.size(local));
        assertThat(done.dumpStatistics().frozenTimeMicros).isEqualTo(FakeKubelet.FROZEN_MICROS);
        assertThat(done.dumpStatistics().freezingTimeMicros).isEqualTo(FakeKubelet.FREEZING_MICROS);
        assertThat(done.dumpStatistics().pagesScanned).isEqualTo(FakeKubelet.PAGES_SCANNED);
        assertThat(done.dumpStatistics().pagesWritten).isEqualTo(FakeKubelet.PAGES_WRITTEN);
        assertThat(Instant.parse(done.checkpointedAt())).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(done.image()).isNull();
        assertThat(done.message()).contains("shop/web/app").contains(done.archivePath());
        assertThat(operations.find("op-1").orElseThrow().namespace()).isEqualTo("shop");
    }

    @Test
    void aKnownIdIsTheSameOperationAndStartsNothing() throws Exception {
        kubelet.hold();
        started(operations.start(request("op-1", "app")), true);
        CheckpointOperation again = started(operations.start(request("op-1", "app")), false);
        assertThat(again.state()).isEqualTo(State.RUNNING);
        kubelet.release();
        finished("op-1");
        CheckpointOperation afterwards = started(operations.start(request("op-1", "app")), false);
        assertThat(afterwards.state()).isEqualTo(State.SUCCEEDED);
        assertThat(kubelet.calls()).hasSize(1);
    }

    @Test
    void refusesASecondRunningOperationOnTheSameContainer() throws Exception {
        kubelet.hold();
        started(operations.start(request("op-1", "app")), true);

        Outcome second = operations.start(request("op-2", "app"));
        assertThat(second).isInstanceOf(Refused.class);
        assertThat(((Refused) second).why()).isEqualTo(Why.BUSY);
        assertThat(((Refused) second).message()).contains("shop/web/app").contains("op-1");
        assertThat(operations.find("op-2"))
                .as("a refused start leaves nothing behind")
                .isEmpty();
        started(operations.start(request("op-3", "sidecar")), true);

        kubelet.release();
        finished("op-1");
        started(operations.start(request("op-2", "app")), true);
        assertThat(finished("op-2").state()).isEqualTo(State.SUCCEEDED);
    }

    @Test
    void anIdIsNotReusedForAnotherContainer() {
        started(operations.start(request("op-1", "app")), true);
        Outcome other = operations.start(request("op-1", "sidecar"));
        assertThat(other).isInstanceOf(Refused.class);
        assertThat(((Refused) other).why()).isEqualTo(Why.ID_IN_USE);
    }

    @Test
    void aKubeletFailureEndsTheOperationFailedWithItsReason() throws Exception {
        kubelet.answer(403, "forbidden: User \"system:serviceaccount:amber-system:amber-agent\" cannot create")
                .answer(500, "checkpointing container \"app\" failed: criu failed: type NOTIFY errno 0")
                .timeOut()
                .then(path -> {
                    throw new ConnectException("Connection refused");
                })
                .answer(200, "{\"items\":[]}");
        String[] reasons = {
            CheckpointOperations.KUBELET_REFUSED,
            CheckpointOperations.CHECKPOINT_FAILED,
            CheckpointOperations.KUBELET_TIMEOUT,
            CheckpointOperations.KUBELET_UNREACHABLE,
            CheckpointOperations.CHECKPOINT_FAILED
        };
        for (int i = 0; i < reasons.length; i++) {
            String id = "op-" + i;
            started(operations.start(request(id, "app")), true);
            CheckpointOperation failed = finished(id);
            assertThat(failed.state()).as(id).isEqualTo(State.FAILED);
            assertThat(failed.reason()).as(id).isEqualTo(reasons[i]);
            assertThat(failed.message()).as(id).contains("shop/web/app").doesNotContain("\n");
            assertThat(failed.archivePath()).as(id).isNull();
        }
        assertThat(finished("op-1").message()).contains("criu failed");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no archive was written").isEmpty();
        }
    }

    @Test
    void anArchiveTheAgentCannotSeeFailsTheOperationAndNamesBoth() {
        kubelet.answer(200, "{\"items\":[\"/elsewhere/checkpoint-web_shop-app-2026-11-20T10:00:00Z.tar\"]}");
        started(operations.start(request("op-1", "app")), true);
        CheckpointOperation failed = finished("op-1");
        assertThat(failed.reason()).isEqualTo(CheckpointOperations.ARCHIVE_NOT_FOUND);
        assertThat(failed.archivePath()).isEqualTo("/elsewhere/checkpoint-web_shop-app-2026-11-20T10:00:00Z.tar");
        assertThat(failed.message()).contains(dir.toString()).contains("--dir");
    }

    @Test
    void aFailedExportKeepsTheArchiveAndSaysWhereItIs() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String secret = Base64.getEncoder().encodeToString("robot:hunter2".getBytes(StandardCharsets.UTF_8));
        String config = "{\"auths\":{\"127.0.0.1:" + closedPort + "\":{\"auth\":\"" + secret + "\"}},"
                + "\"credsStore\":\"evil\"}";
        operations.close();
        operations = operations(
                new RegistryTargetExporter(
                        RegistryOptions.defaults().withAttempts(1).withTimeout(Duration.ofSeconds(5)), temp),
                Clock.systemUTC(),
                10,
                8);
        CheckpointRequest request = new CheckpointRequest(
                "op-1",
                "shop",
                "web",
                "app",
                30,
                new ExportTarget("127.0.0.1:" + closedPort + "/amber/web:app", true, config));

        started(operations.start(request), true);
        CheckpointOperation failed = finished("op-1");

        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.reason()).isEqualTo(CheckpointOperations.EXPORT_FAILED);
        assertThat(failed.archivePath()).startsWith(FakeKubelet.NODE_DIRECTORY);
        Path local = dir.resolve(Path.of(failed.archivePath()).getFileName());
        assertThat(local).exists();
        assertThat(failed.archiveSize()).isEqualTo(Files.size(local));
        assertThat(failed.dumpStatistics()).isNotNull();
        assertThat(failed.image()).isNull();
        assertThat(failed.message())
                .contains("127.0.0.1:" + closedPort)
                .doesNotContain("hunter2")
                .doesNotContain(secret)
                .doesNotContain("\n");
        try (var left = Files.list(temp)) {
            assertThat(left).as("the push's auth file is gone").isEmpty();
        }
    }

    @Test
    void aVerifiedExportIsReportedByDigestAndShownWhileItRuns() throws Exception {
        List<Path> pushed = new CopyOnWriteArrayList<>();
        CountDownLatch pushing = new CountDownLatch(1);
        TargetExporter registry = (archive, target) -> {
            pushed.add(archive);
            try {
                pushing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return "registry.example/amber/web@sha256:" + "a".repeat(64);
        };
        operations.close();
        operations = operations(registry, Clock.systemUTC(), 10, 8);
        started(
                operations.start(new CheckpointRequest(
                        "op-1",
                        "shop",
                        "web",
                        "app",
                        30,
                        new ExportTarget("registry.example/amber/web:app", false, null))),
                true);

        CheckpointOperation pushingNow = await().atMost(WAIT)
                .until(() -> operations.find("op-1").orElseThrow().operation(), op -> op.archivePath() != null);
        assertThat(pushingNow.state()).isEqualTo(State.RUNNING);
        assertThat(pushingNow.archiveSize()).isPositive();
        assertThat(pushingNow.message()).contains("registry.example/amber/web:app");
        pushing.countDown();

        CheckpointOperation done = finished("op-1");
        assertThat(done.state()).isEqualTo(State.SUCCEEDED);
        assertThat(done.image()).isEqualTo("registry.example/amber/web@sha256:" + "a".repeat(64));
        assertThat(done.archivePath()).isEqualTo(pushingNow.archivePath());
        assertThat(pushed)
                .containsExactly(dir.resolve(Path.of(done.archivePath()).getFileName()));
    }

    @Test
    void keepsFinishedOperationsForAnHourAndAtMostTheLimit() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
        operations.close();
        operations = operations(NO_PUSH, clock, 2, 8);
        for (String id : List.of("op-1", "op-2", "op-3")) {
            started(operations.start(request(id, "app")), true);
            finished(id);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(operations.find("op-1"))
                .as("the oldest beyond the limit is forgotten")
                .isEmpty();
        assertThat(operations.find("op-2")).isPresent();
        assertThat(operations.find("op-3")).isPresent();

        clock.advance(Duration.ofMinutes(58));
        assertThat(operations.find("op-2")).as("finished an hour ago").isEmpty();
        assertThat(operations.find("op-3")).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(operations.find("op-3")).isEmpty();
    }

    @Test
    void runsAtMostTheLimitAtOnce() {
        operations.close();
        operations = operations(NO_PUSH, Clock.systemUTC(), 10, 2);
        kubelet.hold();
        started(operations.start(request("op-1", "a")), true);
        started(operations.start(request("op-2", "b")), true);
        Outcome third = operations.start(request("op-3", "c"));
        assertThat(third).isInstanceOf(Refused.class);
        assertThat(((Refused) third).why()).isEqualTo(Why.UNAVAILABLE);
        kubelet.release();
        finished("op-1");
        finished("op-2");
        started(operations.start(request("op-3", "c")), true);
    }

    @Test
    void refusesWhatCannotBeRunWithoutQuotingCredentials() {
        String secret = "c2VjcmV0OnZhbHVl";
        List<CheckpointRequest> invalid = List.of(
                new CheckpointRequest("", "shop", "web", "app", 30, null),
                new CheckpointRequest("op", null, "web", "app", 30, null),
                new CheckpointRequest("op", "shop", "web", " ", 30, null),
                new CheckpointRequest("op", "shop", "web", "app", 0, null),
                new CheckpointRequest("op", "shop", "web", "app", 30, new ExportTarget("oci:/etc/amber", false, null)),
                new CheckpointRequest(
                        "op",
                        "shop",
                        "web",
                        "app",
                        30,
                        new ExportTarget("registry.example/a@sha256:" + "b".repeat(64), false, null)),
                new CheckpointRequest(
                        "op",
                        "shop",
                        "web",
                        "app",
                        30,
                        new ExportTarget("registry.example/a:t", false, "{\"auths\": " + secret)));
        operations.close();
        operations = operations(new RegistryTargetExporter(RegistryOptions.defaults(), temp), Clock.systemUTC(), 10, 8);
        for (CheckpointRequest r : invalid) {
            Outcome outcome = operations.start(r);
            assertThat(outcome).as(r.toString()).isInstanceOf(Refused.class);
            assertThat(((Refused) outcome).why()).as(r.toString()).isEqualTo(Why.INVALID);
            assertThat(((Refused) outcome).message()).doesNotContain(secret);
        }
        assertThat(kubelet.calls()).isEmpty();
    }

    @Test
    void closingEndsRunningOperationsAndRefusesNewOnes() {
        kubelet.hold();
        started(operations.start(request("op-1", "app")), true);
        await().atMost(WAIT).until(() -> !kubelet.calls().isEmpty());
        operations.close();
        CheckpointOperation stopped = operations.find("op-1").orElseThrow().operation();
        assertThat(stopped.state()).isEqualTo(State.FAILED);
        assertThat(stopped.reason()).isEqualTo(CheckpointOperations.AGENT_STOPPING);
        Outcome late = operations.start(request("op-2", "other"));
        assertThat(((Refused) late).why()).isEqualTo(Why.UNAVAILABLE);
    }
}
