package dev.amber.archive.synthetic;

import com.github.luben.zstd.ZstdOutputStream;
import com.google.protobuf.MessageLite;
import dev.amber.archive.Engine;
import dev.amber.archive.criu.proto.CoreEntry;
import dev.amber.archive.criu.proto.FdinfoEntry;
import dev.amber.archive.criu.proto.FileEntry;
import dev.amber.archive.criu.proto.FsEntry;
import dev.amber.archive.criu.proto.InetSkEntry;
import dev.amber.archive.criu.proto.InventoryEntry;
import dev.amber.archive.criu.proto.MmEntry;
import dev.amber.archive.criu.proto.PagemapEntry;
import dev.amber.archive.criu.proto.PagemapHead;
import dev.amber.archive.criu.proto.PstreeEntry;
import dev.amber.archive.criu.proto.RegFileEntry;
import dev.amber.archive.criu.proto.RemapFilePathEntry;
import dev.amber.archive.criu.proto.TaskCoreEntry;
import dev.amber.archive.criu.proto.TaskKobjIdsEntry;
import dev.amber.archive.criu.proto.TcpStreamEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Builds small, valid checkpoints with real CRIU image framing: for unit tests that need exact control
 * (pagemaps with parent and lazy runs, IPv4-mapped peers, deleted files, malformed variants) and for the
 * launcher's AOT training run. Tests of real behaviour use archives made by Podman and the kubelet.
 */
public final class SyntheticCheckpoint {
    public enum Compression {
        NONE,
        GZIP,
        ZSTD
    }

    /** One process; its memory is laid out as: argv, envp, then {@code memory} after a parent and a lazy run. */
    public record Process(int pid, int ppid, String comm, List<String> argv, List<String> env, byte[] memory) {}

    private static final int PAGE = 4096;
    private static final long ARGS_AT = 0x400000L;
    private static final long PARENT_AT = 0x500000L;
    private static final long LAZY_AT = 0x580000L;
    private static final long MEMORY_AT = 0x600000L;

    private Engine engine = Engine.PODMAN;
    private String containerName = "counter";
    private String pod = "counter-pod";
    private String namespace = "default";
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, byte[]> extra = new LinkedHashMap<>();
    private String checkpointedTime = "2026-11-20T11:00:00Z";

    /** The checkpoint time CRI-O and containerd record in config.dump (Podman records none). */
    public SyntheticCheckpoint checkpointed(Instant time) {
        this.checkpointedTime = time.toString();
        return this;
    }

    public SyntheticCheckpoint engine(Engine e) {
        this.engine = e;
        return this;
    }

    public SyntheticCheckpoint container(String name) {
        this.containerName = name;
        return this;
    }

    public SyntheticCheckpoint pod(String podName, String podNamespace) {
        this.pod = podName;
        this.namespace = podNamespace;
        return this;
    }

    public SyntheticCheckpoint process(Process p) {
        processes.add(p);
        return this;
    }

    /** Adds or replaces a top-level file (or one under checkpoint/), e.g. a corrupt config.dump. */
    public SyntheticCheckpoint file(String name, byte[] data) {
        extra.put(name, data);
        return this;
    }

    /** The default tree: a shell with one child holding {@code memory}. */
    public static SyntheticCheckpoint standard(byte[] memory) {
        return new SyntheticCheckpoint()
                .process(new Process(
                        1,
                        0,
                        "sh",
                        List.of("/bin/sh", "-c", "counter"),
                        List.of("PATH=/bin", "HOME=/root"),
                        "shell".getBytes(StandardCharsets.UTF_8)))
                .process(new Process(7, 1, "memhog", List.of("/memhog", "64"), List.of("SECRET=hunter2"), memory));
    }

    /** All entries of the checkpoint in the order the engines write them. */
    public Map<String, byte[]> entries() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.dump", configDump());
        files.put("spec.dump", specDump());
        if (engine == Engine.CONTAINERD) {
            files.put(
                    "status.dump",
                    ("{\"metadata\":{\"name\":\"" + containerName + "\"}}").getBytes(StandardCharsets.UTF_8));
        }
        files.putAll(images());
        if (engine == Engine.PODMAN) {
            files.put(
                    "network.status",
                    ("{\"podman\":{\"interfaces\":{\"eth0\":{\"subnets\":[{\"ipnet\":\"10.88.0.5/16\","
                                    + "\"gateway\":\"10.88.0.1\"}],\"mac_address\":\"0a:58:0a:58:00:05\"}}}}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        files.put("rootfs-diff.tar", rootfsDiff());
        files.put("deleted.files", "[\"/etc/motd\"]".getBytes(StandardCharsets.UTF_8));
        files.putAll(extra);
        files.values().removeIf(Objects::isNull);
        return files;
    }

    public Path writeTar(Path file, Compression compression) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream compressed = switch (compression) {
                    case NONE -> raw;
                    case GZIP -> new GZIPOutputStream(raw);
                    case ZSTD -> new ZstdOutputStream(raw);
                };
                TarWriter tar = new TarWriter(compressed)) {
            boolean dirWritten = false;
            for (Map.Entry<String, byte[]> e : entries().entrySet()) {
                if (e.getKey().startsWith("checkpoint/") && !dirWritten) {
                    tar.directory("checkpoint");
                    dirWritten = true;
                }
                tar.file(e.getKey(), e.getValue());
            }
        }
        return file;
    }

    public Path writeDirectory(Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : entries().entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        return dir;
    }

    private byte[] configDump() {
        String json = engine == Engine.PODMAN
                ? "{\"id\":\"4f2a9c1b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a\",\"name\":\""
                        + containerName + "\","
                        + "\"rootfsImageID\":\"sha256:0123\",\"rootfsImageName\":\"localhost/amber-test/busybox:latest\","
                        + "\"runtime\":\"runc\",\"createdTime\":\"2026-11-20T10:00:00.123456789Z\"}"
                : "{\"id\":\"4f2a9c1b8d7e\",\"name\":\"k8s_" + containerName
                        + "\",\"rootfsImage\":\"localhost/amber-test/busybox:latest\","
                        + "\"rootfsImageRef\":\"sha256:0123\",\"rootfsImageName\":\"localhost/amber-test/busybox:latest\","
                        + "\"runtime\":\"runc\",\"createdTime\":\"2026-11-20T10:00:00Z\",\"checkpointedTime\":\""
                        + checkpointedTime + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] specDump() {
        String annotations = switch (engine) {
            case PODMAN -> "\"io.container.manager\":\"libpod\"";
            case CRIO ->
                "\"io.container.manager\":\"cri-o\",\"io.kubernetes.cri-o.Metadata\":\"{\\\"name\\\":\\\""
                        + containerName + "\\\"}\","
                        + "\"io.kubernetes.pod.name\":\"" + pod + "\",\"io.kubernetes.pod.namespace\":\"" + namespace
                        + "\","
                        + "\"io.kubernetes.pod.uid\":\"0c6b5a1e-1111-2222-3333-444455556666\","
                        + "\"io.kubernetes.cri-o.IP.0\":\"10.244.0.7\"";
            default ->
                "\"io.kubernetes.cri.container-name\":\"" + containerName + "\",\"io.kubernetes.cri.sandbox-name\":\""
                        + pod + "\"," + "\"io.kubernetes.cri.sandbox-namespace\":\"" + namespace
                        + "\",\"io.kubernetes.cri.sandbox-uid\":\"0c6b5a1e-1111-2222-3333-444455556666\"";
        };
        String json = "{\"ociVersion\":\"1.0.2\",\"annotations\":{" + annotations + "},"
                + "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
                + "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\",\"options\":[\"rbind\"]}]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    // One image after another, in the order CRIU writes them: splitting it would only scatter the fixture.
    @SuppressWarnings("checkstyle:MethodLength")
    private Map<String, byte[]> images() throws IOException {
        Map<String, byte[]> img = new LinkedHashMap<>();
        // Lexical order, as the engines' tar writers walk the directory.
        List<FileEntry> files = new ArrayList<>();
        files.add(reg(1, "/"));
        files.add(reg(2, "/dev/null"));
        files.add(reg(3, "/tmp/scratch")); // deleted while open: see remap-fpath below
        files.add(FileEntry.newBuilder()
                .setType(4)
                .setId(4)
                .setIsk(InetSkEntry.newBuilder()
                        .setId(4)
                        .setIno(0x1234)
                        .setFamily(10)
                        .setType(1)
                        .setProto(6)
                        .setState(1)
                        .setSrcPort(8080)
                        .setDstPort(54321)
                        .addAllSrcAddr(List.of(0, 0, 0xffff0000, 0x0100007f)) // ::ffff:127.0.0.1
                        // ::ffff:127.0.0.2
                        .addAllDstAddr(List.of(0, 0, 0xffff0000, 0x0200007f)))
                .build());
        files.add(FileEntry.newBuilder()
                .setType(4)
                .setId(5)
                .setIsk(InetSkEntry.newBuilder()
                        .setId(5)
                        .setIno(0x99)
                        .setFamily(2)
                        .setType(1)
                        .setProto(6)
                        .setState(10)
                        .setSrcPort(8080)
                        .setDstPort(0)
                        .addSrcAddr(0)
                        .addDstAddr(0))
                .build());
        files.add(FileEntry.newBuilder()
                .setType(2)
                .setId(6)
                .setPipe(dev.amber.archive.criu.proto.PipeEntry.newBuilder()
                        .setId(6)
                        .setPipeId(777))
                .build());

        for (Process p : processes) {
            img.put(
                    "core-" + p.pid() + ".img",
                    image(
                            0x55053847,
                            List.of(CoreEntry.newBuilder()
                                    .setMtype(1)
                                    .setTc(TaskCoreEntry.newBuilder()
                                            .setTaskState(1)
                                            .setComm(p.comm()))
                                    .setIds(TaskKobjIdsEntry.newBuilder()
                                            .setVmId(p.pid())
                                            .setFilesId(p.pid())
                                            .setFsId(p.pid())
                                            .setSighandId(p.pid()))
                                    .build())));
        }
        img.put("files.img", image(0x56303138, new ArrayList<MessageLite>(files)));
        for (Process p : processes) {
            List<MessageLite> fds = new ArrayList<>();
            fds.add(FdinfoEntry.newBuilder().setId(2).setType(1).setFd(0).build());
            fds.add(FdinfoEntry.newBuilder().setId(6).setType(2).setFd(1).build());
            if (p.ppid() != 0) {
                fds.add(FdinfoEntry.newBuilder().setId(3).setType(1).setFd(3).build());
                fds.add(FdinfoEntry.newBuilder().setId(4).setType(4).setFd(4).build());
                fds.add(FdinfoEntry.newBuilder().setId(5).setType(4).setFd(5).build());
            }
            img.put("fdinfo-" + p.pid() + ".img", image(0x56213732, fds));
            img.put(
                    "fs-" + p.pid() + ".img",
                    image(
                            0x51403912,
                            List.of(FsEntry.newBuilder()
                                    .setCwdId(1)
                                    .setRootId(1)
                                    .build())));
        }
        img.put("inventory.img", inventory());
        for (Process p : processes) {
            byte[] args = nulJoined(p.argv());
            byte[] env = nulJoined(p.env());
            img.put(
                    "mm-" + p.pid() + ".img",
                    image(
                            0x57492820,
                            List.of(MmEntry.newBuilder()
                                    .setMmArgStart(ARGS_AT)
                                    .setMmArgEnd(ARGS_AT + args.length)
                                    .setMmEnvStart(ARGS_AT + args.length)
                                    .setMmEnvEnd(ARGS_AT + args.length + env.length)
                                    .build())));
        }
        for (Process p : processes) {
            int memPages = Math.max(1, (p.memory().length + PAGE - 1) / PAGE);
            List<MessageLite> pm = new ArrayList<>();
            pm.add(PagemapHead.newBuilder().setPagesId(p.pid()).build());
            pm.add(PagemapEntry.newBuilder()
                    .setVaddr(ARGS_AT)
                    .setNrPages(1)
                    .setFlags(4)
                    .build());
            pm.add(PagemapEntry.newBuilder()
                    .setVaddr(PARENT_AT)
                    .setNrPages(3)
                    .setFlags(1)
                    .build());
            pm.add(PagemapEntry.newBuilder()
                    .setVaddr(LAZY_AT)
                    .setNrPages(2)
                    .setFlags(2)
                    .build());
            pm.add(PagemapEntry.newBuilder()
                    .setVaddr(MEMORY_AT)
                    .setNrPages(memPages)
                    .setFlags(4)
                    .build());
            img.put("pagemap-" + p.pid() + ".img", image(0x56084025, pm));
        }
        for (Process p : processes) {
            int memPages = Math.max(1, (p.memory().length + PAGE - 1) / PAGE);
            ByteBuffer pages = ByteBuffer.allocate(PAGE * (1 + memPages));
            pages.put(nulJoined(p.argv())).put(nulJoined(p.env()));
            pages.position(PAGE);
            pages.put(p.memory());
            img.put("pages-" + p.pid() + ".img", pages.array());
        }
        List<MessageLite> pstree = new ArrayList<>();
        for (Process p : processes) {
            pstree.add(PstreeEntry.newBuilder()
                    .setPid(p.pid())
                    .setPpid(p.ppid())
                    .setPgid(1)
                    .setSid(1)
                    .addThreads(p.pid())
                    .build());
        }
        img.put("pstree.img", image(0x50273030, pstree));
        img.put(
                "remap-fpath.img",
                image(
                        0x52583605 /* any magic: not checked by name */,
                        List.of(RemapFilePathEntry.newBuilder()
                                .setOrigId(3)
                                .setRemapId(30)
                                .setRemapType(1)
                                .build())));
        ByteArrayOutputStream tcp = new ByteArrayOutputStream();
        tcp.write(image(
                0x51465506,
                List.of(TcpStreamEntry.newBuilder().setInqLen(5).setOutqLen(3).build())));
        tcp.write("hello".getBytes(StandardCharsets.UTF_8)); // queued data follows the entry
        tcp.write("abc".getBytes(StandardCharsets.UTF_8));
        img.put("tcp-stream-1234.img", tcp.toByteArray());
        Map<String, byte[]> out = new LinkedHashMap<>();
        img.forEach((k, v) -> out.put("checkpoint/" + k, v));
        return out;
    }

    private static FileEntry reg(int id, String name) {
        return FileEntry.newBuilder()
                .setType(1)
                .setId(id)
                .setReg(RegFileEntry.newBuilder()
                        .setId(id)
                        .setName(name)
                        .setFlags(0)
                        .setPos(0))
                .build();
    }

    private byte[] inventory() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(le(0x58313116));
        frame(
                b,
                InventoryEntry.newBuilder()
                        .setImgVersion(2)
                        .setFdinfoPerId(true)
                        .build());
        return b.toByteArray();
    }

    /** An image with the common head magic, {@code magic}, and framed entries. */
    public static byte[] image(int magic, List<? extends MessageLite> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(le(0x54564319));
        b.write(le(magic));
        for (MessageLite m : entries) {
            frame(b, m);
        }
        return b.toByteArray();
    }

    private static void frame(ByteArrayOutputStream b, MessageLite m) throws IOException {
        byte[] body = m.toByteArray();
        b.write(le(body.length));
        b.write(body);
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] nulJoined(List<String> strings) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String s : strings) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return b.toByteArray();
    }

    private static byte[] rootfsDiff() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarWriter t = new TarWriter(b)) {
            t.directory("tmp");
            t.file("tmp/state.json", "{\"count\":42}".getBytes(StandardCharsets.UTF_8));
            t.file("etc/hostname", "counter\n".getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
