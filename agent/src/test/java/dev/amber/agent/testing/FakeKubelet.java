package dev.amber.agent.testing;

import dev.amber.archive.Engine;
import dev.amber.archive.criu.proto.DumpStatsEntry;
import dev.amber.archive.criu.proto.StatsEntry;
import dev.amber.archive.synthetic.SyntheticCheckpoint;
import dev.amber.kube.kubelet.CheckpointTransport;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kubelet's checkpoint endpoint, as a {@link CheckpointTransport}: unless told otherwise it does what a kubelet
 * does, writes a real archive (CRIU-framed images and a {@code stats-dump}, laid out as CRI-O leaves it) into the
 * checkpoint directory and answers 200 naming it by its path on the node, which is not the path the agent sees
 * it under. Scripted answers (a status, a timeout) come first, one per call; {@link #hold} makes calls wait, as a
 * checkpoint that takes a while, until {@link #release}.
 */
public final class FakeKubelet implements CheckpointTransport {
    /** Where the archives are on the node, as the kubelet reports them. */
    public static final String NODE_DIRECTORY = "/var/lib/kubelet/checkpoints";

    public static final long FREEZING_MICROS = 1_200;
    public static final long FROZEN_MICROS = 54_321;
    public static final long PAGES_SCANNED = 2_048;
    public static final long PAGES_WRITTEN = 512;

    private static final int STATS_MAGIC = 0x57093306;
    private static final Instant FIRST = Instant.parse("2026-11-20T10:00:00Z");

    /** One scripted answer. */
    @FunctionalInterface
    public interface Answer {
        Response answer(String path) throws IOException;
    }

    private final Path directory;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger written = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** @param directory the checkpoint directory as the agent sees it */
    public FakeKubelet(Path directory) {
        this.directory = directory;
    }

    /** The next call answers this; calls after the scripted ones checkpoint. */
    public FakeKubelet then(Answer answer) {
        script.add(answer);
        return this;
    }

    public FakeKubelet answer(int status, String body) {
        return then(path -> new Response(status, body));
    }

    /** The next call gets no answer in time, as the JDK client reports it. */
    public FakeKubelet timeOut() {
        return then(path -> {
            throw new HttpTimeoutException("request timed out");
        });
    }

    /** Calls from now on wait until {@link #release}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** The paths asked for, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public Response post(String path, Duration timeout) throws IOException {
        calls.add(path);
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Answer scripted = script.poll();
        return scripted != null ? scripted.answer(path) : checkpoint(path);
    }

    @Override
    public String describe() {
        return "fake kubelet";
    }

    private Response checkpoint(String path) throws IOException {
        String[] parts = path.substring("/checkpoint/".length()).split("\\?")[0].split("/");
        String namespace = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        String pod = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        String container = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        String name = KubeletArchives.fileName(namespace, pod, container, FIRST.plusSeconds(written.getAndIncrement()));
        writeArchive(directory.resolve(name), namespace, pod, container);
        return new Response(200, "{\"items\":[\"" + NODE_DIRECTORY + "/" + name + "\"]}");
    }

    /** A real archive of the container, as CRI-O writes it, with CRIU's dump statistics at its top. */
    public static Path writeArchive(Path file, String namespace, String pod, String container) throws IOException {
        byte[] stats = SyntheticCheckpoint.image(
                STATS_MAGIC,
                List.of(StatsEntry.newBuilder()
                        .setDump(DumpStatsEntry.newBuilder()
                                .setFreezingTime((int) FREEZING_MICROS)
                                .setFrozenTime((int) FROZEN_MICROS)
                                .setMemdumpTime(300)
                                .setMemwriteTime(400)
                                .setPagesScanned(PAGES_SCANNED)
                                .setPagesSkippedParent(0)
                                .setPagesWritten(PAGES_WRITTEN))
                        .build()));
        return SyntheticCheckpoint.standard(new byte[8192])
                .engine(Engine.CRIO)
                .pod(pod, namespace)
                .container(container)
                .file("stats-dump", stats)
                .writeTar(file, SyntheticCheckpoint.Compression.NONE);
    }
}
