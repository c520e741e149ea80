package dev.amber.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes real, uncompressed tar archives laid out as the kubelet leaves them with CRI-O or containerd
 * (see checkpoint-formats.md): metadata files at the top, CRIU images under {@code checkpoint/}, named
 * {@code checkpoint-<pod>_<namespace>-<container>-<time>.tar}. The CRIU images are placeholders:
 * indexing reads metadata only.
 */
public final class KubeletArchives {
    public enum Layout {
        CRIO,
        CONTAINERD
    }

    private KubeletArchives() {}

    public static String fileName(String namespace, String pod, String container, Instant time) {
        return "checkpoint-" + pod + "_" + namespace + "-" + container + "-" + time + ".tar";
    }

    /** Writes the archive (mode 0600, modification time = {@code time}) and returns its path. */
    public static Path write(
            Path dir, Layout layout, String namespace, String pod, String container, Instant time, int paddingBytes)
            throws IOException {
        Path file = dir.resolve(fileName(namespace, pod, container, time));
        Files.write(file, bytes(layout, namespace, pod, container, time, paddingBytes));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(file, FileTime.from(time));
        return file;
    }

    public static byte[] bytes(
            Layout layout, String namespace, String pod, String container, Instant time, int paddingBytes)
            throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String uid = "uid-" + pod;
        switch (layout) {
            case CRIO -> {
                entries.put("stats-dump", new byte[16]);
                entries.put("dump.log", "dump ok\n".getBytes(StandardCharsets.UTF_8));
                entries.put("checkpoint/inventory.img", new byte[32]);
                entries.put("checkpoint/pages-1.img", new byte[paddingBytes]);
                entries.put("config.dump", json("""
                        {"id":"c0ffee","name":"k8s_%s_%s_%s_%s_0","rootfsImageName":"registry.example/app:1",
                         "runtime":"runc","createdTime":"%s","checkpointedTime":"%s"}
                        """.formatted(
                                container, pod, namespace, uid, time.minusSeconds(60), time)));
                entries.put(
                        "spec.dump", json("""
                        {"ociVersion":"1.0.2","annotations":{
                          "io.container.manager":"cri-o",
                          "io.kubernetes.cri-o.Metadata":"{\\"name\\":\\"%s\\"}",
                          "io.kubernetes.cri-o.Labels":"{\\"io.kubernetes.container.name\\":\\"%s\\",\\"io.kubernetes.pod.name\\":\\"%s\\",\\"io.kubernetes.pod.namespace\\":\\"%s\\"}",
                          "io.kubernetes.pod.name":"%s","io.kubernetes.pod.namespace":"%s","io.kubernetes.pod.uid":"%s"}}
                        """.formatted(container, container, pod, namespace, pod, namespace, uid)));
                entries.put("bind.mounts", json("[]"));
                entries.put("rootfs-diff.tar", new byte[1024]);
                entries.put("deleted.files", json("[]"));
            }
            case CONTAINERD -> {
                entries.put("status", json("{\"Pid\":1}"));
                entries.put("container.log", new byte[0]);
                entries.put("config.dump", json("""
                        {"id":"d00d","name":"%s","rootfsImageName":"registry.example/app:1","runtime":"io.containerd.runc.v2",
                         "createdTime":"%s","checkpointedTime":"%s"}
                        """.formatted(container, time.minusSeconds(60), time)));
                entries.put("status.dump", json("{\"metadata\":{\"name\":\"" + container + "\"}}"));
                entries.put("checkpoint/inventory.img", new byte[32]);
                entries.put("checkpoint/pages-1.img", new byte[paddingBytes]);
                entries.put("spec.dump", json("""
                        {"ociVersion":"1.1.0","annotations":{
                          "io.kubernetes.cri.container-name":"%s","io.kubernetes.cri.sandbox-name":"%s",
                          "io.kubernetes.cri.sandbox-namespace":"%s","io.kubernetes.cri.sandbox-uid":"%s"}}
                        """.formatted(container, pod, namespace, uid)));
                entries.put("dump.log", new byte[0]);
                entries.put("stats-dump", new byte[16]);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTar(out, entries, time.getEpochSecond());
        return out.toByteArray();
    }

    private static byte[] json(String s) {
        return s.strip().getBytes(StandardCharsets.UTF_8);
    }

    /** A minimal ustar writer: regular files only, names under 100 bytes. */
    public static void writeTar(OutputStream out, Map<String, byte[]> entries, long mtime) throws IOException {
        for (var e : entries.entrySet()) {
            byte[] h = new byte[512];
            put(h, 0, 100, e.getKey());
            put(h, 100, 8, "0000600");
            put(h, 108, 8, "0000000");
            put(h, 116, 8, "0000000");
            put(h, 124, 12, String.format("%011o", e.getValue().length));
            put(h, 136, 12, String.format("%011o", mtime));
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            h[156] = '0';
            put(h, 257, 6, "ustar");
            put(h, 263, 2, "00");
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, 8, String.format("%06o", sum) + "\0 ");
            out.write(h);
            out.write(e.getValue());
            int pad = (512 - e.getValue().length % 512) % 512;
            out.write(new byte[pad]);
        }
        out.write(new byte[1024]);
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }
}
