package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrapper as a real process checkpointing and restoring real apps with real CRIU (root needed). */
@Tag("criu")
class WrapperCriuTest {
    private static final String COUNTER = "i=0; while :; do i=$((i+1)); echo \"count $i\"; sleep 0.1; done";
    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() throws Exception {
        // The real interpreter, not a version-manager shim, so the dumped tree is just the app.
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        python = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
    }

    private Path images() {
        return dir.resolve("images");
    }

    private Path config(String extra) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), "imageDir: " + images() + "\n" + extra);
    }

    private static int lastCount(List<String> lines) {
        return lines.stream()
                .filter(l -> l.startsWith("count "))
                .mapToInt(l -> Integer.parseInt(l.substring(6)))
                .max()
                .orElse(0);
    }

    private static int firstCount(List<String> lines) {
        return lines.stream()
                .filter(l -> l.startsWith("count "))
                .mapToInt(l -> Integer.parseInt(l.substring(6)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void aCounterContinuesAcrossTwoCheckpointsAndRestores() throws Exception {
        Path config = config("");
        int last;
        Path firstCheckpoint;
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 5"));
            long pid = w.appPid();
            assertThat(sessionOf(pid)).as("the app leads a session of its own").isEqualTo(pid);
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
            assertThat(WrapperProcess.alive(pid))
                    .as("app is gone after the dump")
                    .isFalse();
            firstCheckpoint = images().resolve("current").toRealPath();
            assertThat(firstCheckpoint.resolve("pstree.img")).exists();
            assertThat(firstCheckpoint.resolve(CheckpointMarker.FILE_NAME)).exists();
            assertThat(w.err).anyMatch(l -> l.contains("checkpointed pid " + pid));
            last = lastCount(w.out);
        }

        int lastAfterRestore;
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.startsWith("count ") && Integer.parseInt(l.substring(6)) > last + 5);
            assertThat(w.err).anyMatch(l -> l.contains("restored sh -c"));
            assertThat(firstCount(w.out))
                    .as("restored output continues the count")
                    .isEqualTo(last + 1);
            assertThat(sessionOf(w.appPid()))
                    .as("restored as its own session's leader")
                    .isEqualTo(w.appPid());
            w.sigterm();
            assertThat(w.awaitExit()).as("second checkpoint, of a restored app").isZero();
            lastAfterRestore = lastCount(w.out);
        }
        Path secondCheckpoint = images().resolve("current").toRealPath();
        assertThat(secondCheckpoint).isNotEqualTo(firstCheckpoint);
        assertThat(firstCheckpoint).doesNotExist();

        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.startsWith("count ") && Integer.parseInt(l.substring(6)) > lastAfterRestore);
            assertThat(firstCount(w.out)).isEqualTo(lastAfterRestore + 1);
        }
    }

    @Test
    void theLauncherRestoresWhileTheJvmStartsAndTheWrapperTakesTheRestoredApp() throws Exception {
        Path launcher = TestLauncher.render(Files.createDirectories(dir.resolve("runtime/bin")));
        Path config = config("");
        int last = checkpointCounterThroughLauncher(launcher, config);
        assertThat(EarlyRestore.readPlan(images().resolve("current").toRealPath()))
                .hasValueSatisfying(plan -> assertThat(plan).contains("restore", "--restore-sibling"));

        int lastAfterRestore;
        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.startsWith("count ") && Integer.parseInt(l.substring(6)) > last + 5);
            assertThat(w.err)
                    .anyMatch(
                            l -> l.contains("restored sh -c") && l.contains("started by the launcher before the JVM"));
            assertThat(firstCount(w.out))
                    .as("restored output continues the count")
                    .isEqualTo(last + 1);
            assertThat(parentOf(w.appPid()))
                    .as("the restored app is the wrapper's child")
                    .isEqualTo(ProcessHandle.of(w.appPid())
                            .flatMap(ProcessHandle::parent)
                            .map(ProcessHandle::pid)
                            .orElseThrow())
                    .isEqualTo(w.pid());
            w.sigterm();
            assertThat(w.awaitExit())
                    .as("a checkpoint of the app the launcher restored")
                    .isZero();
            lastAfterRestore = lastCount(w.out);
        }

        // The JVM alone restores the same kind of checkpoint; the plan is only a head start.
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.startsWith("count ") && Integer.parseInt(l.substring(6)) > lastAfterRestore);
            assertThat(firstCount(w.out)).isEqualTo(lastAfterRestore + 1);
            assertThat(w.err).noneMatch(l -> l.contains("started by the launcher"));
        }
    }

    /** Starts the counter fresh through the launcher and checkpoints it; returns its last count. */
    private static int checkpointCounterThroughLauncher(Path launcher, Path config) throws InterruptedException {
        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 5"));
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
            return lastCount(w.out);
        }
    }

    @Test
    void aFailedLauncherRestoreIsRetriedByTheWrapperAndThenFollowsTheConfig() throws Exception {
        Path launcher = TestLauncher.render(Files.createDirectories(dir.resolve("runtime/bin")));
        Path config = config("freshStartOnRestoreFailure: true\n");
        checkpointCounterThroughLauncher(launcher, config);
        Path checkpoint = images().resolve("current").toRealPath();
        assertThat(checkpoint.resolve(EarlyRestore.PLAN_FILE)).exists();
        Files.write(checkpoint.resolve("inventory.img"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 1"));
            assertThat(w.err)
                    .anyMatch(l ->
                            l.contains("the restore the launcher started failed") && l.contains("restoring again"));
            assertThat(w.err).anyMatch(l -> l.contains("starting afresh"));
        }
    }

    @Test
    void aLauncherRestoreWhoseExitStatusAShellTookIsToldByItsPidFile() throws Exception {
        Path launcher = TestLauncher.render(
                Files.createDirectories(dir.resolve("runtime/bin")),
                javaBehindAReapingShell(),
                System.getProperty("java.class.path"));
        Path config = config("freshStartOnRestoreFailure: true\n");
        int last = checkpointCounterThroughLauncher(launcher, config);

        // A restore that worked: the wrapper takes the app the pid file names, and restores nothing itself.
        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            // The app may run for a while before the JVM is up and the wrapper speaks.
            w.awaitErr(l -> l.contains("restored sh -c") && l.contains("started by the launcher before the JVM"));
            assertThat(w.err).anyMatch(l -> l.contains("reaped the launcher's criu"));
            assertThat(firstCount(w.out)).isEqualTo(last + 1);
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
        }
        // On this host, not in a new pid namespace: the next restore needs the checkpoint's pids, which
        // the dumped tree's zombies hold until the host's init reaps them.
        awaitPidsFree(images().resolve("current"));

        // A running tree and a pid file, but the log never says the tasks were resumed (as when criu is
        // killed between the two): not a restore that worked. The tree is stopped; restoring again finds
        // its pids held by its zombies, so the config's fresh start follows.
        Files.createFile(dir.resolve("forget-success"));
        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            String stopped = w.awaitErr(l -> l.contains("the launcher restored, because the wrapper did not take it"));
            assertThat(w.err)
                    .anyMatch(
                            l -> l.contains("never logged that it resumed the tasks") && l.contains("restoring again"));
            long stoppedPid = Long.parseLong(stopped.replaceFirst(".*\\(pid ([0-9]+)\\).*", "$1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !runningOrSleeping(stoppedPid));
            w.awaitOut(l -> l.equals("count 3"));
            assertThat(w.err).anyMatch(l -> l.contains("starting afresh"));
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
        }
        Files.delete(dir.resolve("forget-success"));

        // A restore that failed: no pid file, so the wrapper restores again, which fails the same way.
        Files.write(
                images().resolve("current").toRealPath().resolve("inventory.img"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 1"));
            assertThat(w.err).anyMatch(l -> l.contains("reaped by another process") && l.contains("restoring again"));
            assertThat(w.err).anyMatch(l -> l.contains("starting afresh"));
        }
    }

    /** Waits until no process holds a pid of the checkpoint (one core-PID.img each). */
    private static void awaitPidsFree(Path checkpoint) throws IOException {
        List<Path> pids;
        try (var files = Files.list(checkpoint.toRealPath())) {
            pids = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("core-") && n.endsWith(".img"))
                    .map(n -> Path.of("/proc", n.substring(5, n.length() - 4)))
                    .toList();
        }
        assertThat(pids).isNotEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> pids.stream().noneMatch(Files::exists));
    }

    /**
     * A java that first lets a shell reap the launcher's criu, as bash as /bin/sh can from its
     * SIGCHLD handler: this dash waits for each sleep with waitpid(-1), which takes criu's status
     * too, and goes on once criu's pid is gone. While {@code forget-success} exists it also drops
     * CRIU's last line from the restore log.
     */
    private Path javaBehindAReapingShell() throws IOException {
        Path script = dir.resolve("reaping-java");
        Files.writeString(script, """
                #!/bin/sh
                i=0
                while [ -n "$AMBER_EARLY_RESTORE_PID" ] && [ -e "/proc/$AMBER_EARLY_RESTORE_PID" ] && [ $i -lt 300 ]; do
                  sleep 0.05; i=$((i + 1))
                done
                if [ -n "$AMBER_EARLY_RESTORE_PID" ] && [ -e '%2$s' ]; then
                  sed -i '/Tasks resumed/d' '%3$s'
                fi
                exec '%1$s' "$@"
                """.formatted(
                        Path.of(System.getProperty("java.home"), "bin", "java"),
                        dir.resolve("forget-success"),
                        images().resolve("current").resolve(CriuArguments.RESTORE_LOG)));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void aTreeTheLauncherRestoredIsStoppedWhenTheWrapperRejectsTheCheckpoint() throws Exception {
        Path launcher = TestLauncher.render(Files.createDirectories(dir.resolve("runtime/bin")));
        Path config = config("freshStartOnRestoreFailure: true\n");
        checkpointCounterThroughLauncher(launcher, config);
        // Images and plan intact, but a marker the wrapper cannot read: the launcher restores, the wrapper refuses.
        Files.writeString(images().resolve("current").toRealPath().resolve(CheckpointMarker.FILE_NAME), "{}");

        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", COUNTER)) {
            String stopped = w.awaitErr(l -> l.contains("the launcher restored, because the wrapper did not take it"));
            long restoredPid = Long.parseLong(stopped.replaceFirst(".*\\(pid ([0-9]+)\\).*", "$1"));
            w.awaitOut(l -> l.equals("count 1"));
            assertThat(w.err).anyMatch(l -> l.contains("starting afresh"));
            // Killed; it stays the wrapper's zombie, as a JVM cannot reap a child it did not spawn.
            await().atMost(Duration.ofSeconds(10)).until(() -> !runningOrSleeping(restoredPid));
        }
    }

    /** Rounds 1 and 2 through the launcher (round 2 restores early, while the JVM starts), round 3 without it. */
    @Test
    void asAContainersInitItRestoresIntoANewPidNamespaceAgainAndAgain() throws Exception {
        Path launcher = TestLauncher.render(Files.createDirectories(dir.resolve("runtime/bin")));
        Path config = config("");
        int last = 0;
        for (int round = 1; round <= 3; round++) {
            try (WrapperProcess w = round < 3
                    ? WrapperProcess.startAsInitThroughLauncher(launcher, config, "sh", "-c", COUNTER)
                    : WrapperProcess.startAsInit(config, "sh", "-c", COUNTER)) {
                int before = last;
                w.awaitOut(l -> l.startsWith("count ") && Integer.parseInt(l.substring(6)) > before + 3);
                // The app starts above the wrapper's own thread ids, so its pid is free in the next namespace.
                assertThat(w.appPid()).isEqualTo(Wrapper.APP_PID_FLOOR + 1);
                if (round > 1) {
                    assertThat(w.err).anyMatch(l -> l.contains("restored"));
                    assertThat(firstCount(w.out)).isEqualTo(last + 1);
                }
                if (round == 2) {
                    assertThat(w.err).anyMatch(l -> l.contains("started by the launcher before the JVM"));
                }
                w.sigterm();
                assertThat(w.awaitExit()).as("stderr: %s", w.err).isZero();
                assertThat(w.err).anyMatch(l -> l.contains("checkpointed pid " + (Wrapper.APP_PID_FLOOR + 1)));
                last = lastCount(w.out);
            }
        }
    }

    @Test
    void exitsWithTheAppsCodeAfterARestoreAndForgetsTheCheckpoint() throws Exception {
        Path stop = dir.resolve("stop");
        String app = "i=0; while [ ! -f " + stop + " ]; do i=$((i+1)); echo \"count $i\"; sleep 0.1; done; exit 7";
        Path config = config("");
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", app)) {
            w.awaitOut(l -> l.equals("count 3"));
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
        }
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", app)) {
            w.awaitErr(l -> l.contains("restored"));
            Files.createFile(stop);
            assertThat(w.awaitExit()).isEqualTo(7);
        }
        assertThat(images().resolve("current")).doesNotExist();
    }

    @Test
    void keepsListeningAndEstablishedTcpWithTcpEstablished() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String server = countingEchoServer(port);
        Path config = config("tcpEstablished: true\n");
        try (Socket client = new Socket()) {
            BufferedReader in;
            PrintWriter out;
            try (WrapperProcess w = WrapperProcess.start(config, python, "-c", server)) {
                w.awaitOut(l -> l.equals("listening"));
                client.connect(new InetSocketAddress("127.0.0.1", port));
                in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
                out.println("before");
                assertThat(in.readLine()).isEqualTo("1 before");
                w.sigterm();
                assertThat(w.awaitExit()).as("stderr: %s", w.err).isZero();
            }
            try (WrapperProcess w = WrapperProcess.start(config, python, "-c", server)) {
                w.awaitErr(l -> l.contains("restored"));
                out.println("after");
                assertThat(in.readLine())
                        .as("the same connection, the same counter")
                        .isEqualTo("2 after");
                client.close();
                try (Socket second = new Socket("127.0.0.1", port)) {
                    second.getOutputStream().write("new\n".getBytes(StandardCharsets.UTF_8));
                    var reply =
                            new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
                    assertThat(reply.readLine())
                            .as("the restored listening socket accepts")
                            .isEqualTo("3 new");
                }
            }
        }
    }

    /**
     * What a pod needs, whose next incarnation has another IP address: the checkpoint is taken with a
     * connection open, which the restored app finds closed, while its memory and listening socket
     * go on.
     */
    @Test
    void restoresEstablishedTcpClosedWithTcpClose() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String server = countingEchoServer(port);
        Path config = config("tcpClose: true\n");
        try (Socket client = new Socket()) {
            try (WrapperProcess w = WrapperProcess.start(config, python, "-c", server)) {
                w.awaitOut(l -> l.equals("listening"));
                client.connect(new InetSocketAddress("127.0.0.1", port));
                var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8).println("before");
                assertThat(in.readLine()).isEqualTo("1 before");
                w.sigterm();
                assertThat(w.awaitExit()).as("stderr: %s", w.err).isZero();
                assertThat(w.err).anyMatch(l -> l.contains("checkpointed pid"));
            }
            try (WrapperProcess w = WrapperProcess.start(config, python, "-c", server)) {
                w.awaitErr(l -> l.contains("restored"));
                try (Socket second = new Socket("127.0.0.1", port)) {
                    second.getOutputStream().write("new\n".getBytes(StandardCharsets.UTF_8));
                    var reply =
                            new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
                    assertThat(reply.readLine())
                            .as("the restored counter, on a new connection")
                            .isEqualTo("2 new");
                }
            }
        }
    }

    /**
     * A Python server on {@code port} that answers each line with a running count and the line; one
     * connection at a time, and a connection that fails (closed by a restore) is logged and dropped.
     */
    private static String countingEchoServer(int port) {
        return """
                import socket
                srv = socket.socket()
                srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.bind(("127.0.0.1", %d))
                srv.listen()
                print("listening", flush=True)
                n = 0
                while True:
                    conn, _ = srv.accept()
                    try:
                        for line in conn.makefile("r"):
                            n += 1
                            conn.sendall(("%%d %%s" %% (n, line)).encode())
                    except OSError as e:
                        print("connection failed:", e.__class__.__name__, flush=True)
                    conn.close()
                """.formatted(port);
    }

    @Test
    void keepsADeletedButOpenFile() throws Exception {
        Path file = dir.resolve("scratch");
        String app = """
                import os, time
                f = open("%s", "w+")
                f.write("kept after unlink")
                f.flush()
                os.unlink("%s")
                while True:
                    f.seek(0)
                    print("content " + f.read(), flush=True)
                    time.sleep(0.1)
                """.formatted(file, file);
        Path config = config("");
        try (WrapperProcess w = WrapperProcess.start(config, python, "-c", app)) {
            w.awaitOut(l -> l.equals("content kept after unlink"));
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
        }
        assertThat(file).doesNotExist();
        try (WrapperProcess w = WrapperProcess.start(config, python, "-c", app)) {
            w.awaitErr(l -> l.contains("restored"));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.out.size() >= 3);
            assertThat(w.out).allMatch(l -> l.equals("content kept after unlink"));
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void copiesAdditionalPathsAndRemovesInotifyIncompatibleOnes() throws Exception {
        Path state = dir.resolve("state");
        Path watched = dir.resolve("watched");
        Files.createDirectories(watched);
        Path config = config("additionalPaths: [" + state + "]\ninotifyIncompatiblePaths: [" + watched + "]\n");
        String app = "echo saved > " + state + "; " + COUNTER;
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", app)) {
            w.awaitOut(l -> l.equals("count 2"));
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
        }
        assertThat(watched).doesNotExist();
        Files.delete(state); // a new container would not have it
        Path launcher = TestLauncher.render(Files.createDirectories(dir.resolve("runtime/bin")));
        try (WrapperProcess w = WrapperProcess.startThroughLauncher(launcher, config, "sh", "-c", app)) {
            w.awaitErr(l -> l.contains("restored"));
            assertThat(w.err).anyMatch(l -> l.contains("started by the launcher before the JVM"));
            assertThat(state).as("put back by the launcher").hasContent("saved");
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
        }
        Files.delete(state);
        try (WrapperProcess w = WrapperProcess.start(config, "sh", "-c", app)) {
            w.awaitErr(l -> l.contains("restored"));
            assertThat(state).as("put back by the wrapper").hasContent("saved");
        }
    }

    @Test
    void asksTheNodeStateServerAndPassesSigtermWhenTheNodeStays() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/nodes/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/nodes/".length());
            String state = name.equals("leaving") ? "shutting-down" : "running";
            byte[] body = ("{\"name\":\"" + name + "\",\"state\":\"" + state + "\",\"reason\":\"test\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Path config = config("nodeStateServerURL: http://127.0.0.1:"
                    + server.getAddress().getPort() + "\n");
            try (WrapperProcess w =
                    WrapperProcess.start(config, Map.of("KUBERNETES_NODE_NAME", "staying"), "sh", "-c", COUNTER)) {
                w.awaitOut(l -> l.equals("count 2"));
                w.sigterm();
                assertThat(w.awaitExit())
                        .as("sh killed by the forwarded SIGTERM")
                        .isEqualTo(143);
                assertThat(w.err).anyMatch(l -> l.contains("passing it to the app, because the node is staying"));
            }
            assertThat(images().resolve("current")).doesNotExist();
            try (WrapperProcess w =
                    WrapperProcess.start(config, Map.of("KUBERNETES_NODE_NAME", "leaving"), "sh", "-c", COUNTER)) {
                w.awaitOut(l -> l.equals("count 2"));
                w.sigterm();
                assertThat(w.awaitExit()).isZero();
                assertThat(w.err).anyMatch(l -> l.contains("checkpointing, because the node is shutting down"));
            }
            assertThat(images().resolve("current")).exists();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableNodeStateServerFollowsTheConfigAndSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path config = config("nodeStateServerURL: http://127.0.0.1:" + closedPort + "\n");
        try (WrapperProcess w =
                WrapperProcess.start(config, Map.of("KUBERNETES_NODE_NAME", "n1"), "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 2"));
            w.sigterm();
            assertThat(w.awaitExit()).isZero();
            assertThat(w.err)
                    .anyMatch(l -> l.contains("node-state server is unreachable")
                            && l.contains("ifNodeStateUnknown: checkpoint"));
        }
        assertThat(images().resolve("current")).exists();
    }

    @Test
    void badConfigIsOneClearLineAndExitOne() throws Exception {
        Path unknownKey = Files.writeString(dir.resolve("unknown.yaml"), "imageDir: /tmp/x\ntcpEstablised: true\n");
        Path unwritable = Files.writeString(dir.resolve("unwritable.yaml"), "imageDir: /proc/amber-images\n");
        for (var c : List.of(
                Map.entry(unknownKey, "unknown key 'tcpEstablised'"),
                Map.entry(unwritable, "imageDir /proc/amber-images cannot be created"))) {
            try (WrapperProcess w = WrapperProcess.start(c.getKey(), "sh", "-c", "echo should-not-run")) {
                assertThat(w.awaitExit()).isEqualTo(1);
                assertThat(w.err).hasSize(1);
                assertThat(w.err.getFirst()).startsWith("amber-wrap: ").contains(c.getValue());
                assertThat(w.out).isEmpty();
            }
        }
    }

    /** Not gone and not a zombie: field 3 of /proc/PID/stat. */
    private static boolean runningOrSleeping(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /** Field 4 of /proc/PID/stat. */
    private static long parentOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    /** Field 6 of /proc/PID/stat. */
    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    /** A checkpoint whose marker says complete but whose images are garbage, as after disk corruption. */
    private void plantCorruptCheckpoint() throws IOException {
        Path cp = Files.createDirectories(images().resolve("checkpoint-corrupt"));
        Files.write(cp.resolve("inventory.img"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.write(cp.resolve("pstree.img"), new byte[] {9, 9, 9, 9});
        Files.writeString(
                cp.resolve(CheckpointMarker.FILE_NAME),
                "{\"format\":1,\"createdAt\":\"2026-01-01T00:00:00Z\",\"pid\":1,\"command\":[],\"stdio\":{}}");
        Files.createSymbolicLink(images().resolve("current"), Path.of("checkpoint-corrupt"));
    }

    @Test
    void aCorruptCheckpointFailsTheStartUnlessFreshStartIsAllowed() throws Exception {
        plantCorruptCheckpoint();
        try (WrapperProcess w = WrapperProcess.start(config(""), "sh", "-c", COUNTER)) {
            assertThat(w.awaitExit()).isEqualTo(1);
            assertThat(String.join("\n", w.err)).contains("criu restore failed", "freshStartOnRestoreFailure: true");
            assertThat(w.out).isEmpty();
        }
        try (WrapperProcess w =
                WrapperProcess.start(config("freshStartOnRestoreFailure: true\n"), "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 1"));
            assertThat(w.err).anyMatch(l -> l.contains("starting afresh") && l.contains("failed-"));
        }
        try (var entries = Files.list(images())) {
            assertThat(entries.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("failed-"));
        }
    }

    @Test
    void aPartialDumpIsIgnoredAndRemoved() throws Exception {
        Path partial = Files.createDirectories(images().resolve(".partial-20260101T000000.000Z"));
        Files.writeString(partial.resolve("pages-1.img"), "half a dump");
        try (WrapperProcess w = WrapperProcess.start(config(""), "sh", "-c", COUNTER)) {
            w.awaitOut(l -> l.equals("count 1"));
            assertThat(w.err).anyMatch(l -> l.contains("never completed"));
        }
        assertThat(partial).doesNotExist();
    }
}
