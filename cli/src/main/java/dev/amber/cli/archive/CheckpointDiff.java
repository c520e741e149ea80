package dev.amber.cli.archive;

import dev.amber.archive.Checkpoint;
import dev.amber.archive.memory.PageMap;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.SocketInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** What changed between two checkpoints of (usually) the same container: a pure function of both reads. */
record CheckpointDiff(List<Change> changes) {

    /** One difference; {@code before} or {@code after} is null for something added or removed. */
    record Change(String section, String subject, String before, String after) {}

    static CheckpointDiff between(Checkpoint a, Checkpoint b) {
        List<Change> out = new ArrayList<>();
        field(out, "container", "name", a.container().name(), b.container().name());
        field(out, "container", "image", a.container().image(), b.container().image());
        field(
                out,
                "container",
                "checkpointed",
                Times.format(a.container().checkpointed()),
                Times.format(b.container().checkpointed()));
        field(
                out,
                "container",
                "checkpoint size",
                Long.toString(a.sizes().checkpoint()),
                Long.toString(b.sizes().checkpoint()));

        Map<Integer, ProcessNode> pa = processes(a);
        Map<Integer, ProcessNode> pb = processes(b);
        for (int pid : union(pa.keySet(), pb.keySet())) {
            ProcessNode x = pa.get(pid);
            ProcessNode y = pb.get(pid);
            String subject = "[" + pid + "]";
            if (x == null || y == null) {
                out.add(new Change("processes", subject, describe(x), describe(y)));
                continue;
            }
            field(out, "processes", subject + " command", x.comm(), y.comm());
            field(
                    out,
                    "processes",
                    subject + " state",
                    x.state().label(),
                    y.state().label());
            field(out, "processes", subject + " cmdline", join(x.commandLine()), join(y.commandLine()));
            field(
                    out,
                    "processes",
                    subject + " threads",
                    Integer.toString(x.threads().size()),
                    Integer.toString(y.threads().size()));
        }
        for (int pid : union(a.files().keySet(), b.files().keySet())) {
            diffSets(
                    out,
                    "files",
                    "[" + pid + "]",
                    files(a.files().get(pid)),
                    files(b.files().get(pid)));
        }
        for (int pid : union(a.sockets().keySet(), b.sockets().keySet())) {
            diffSets(
                    out,
                    "sockets",
                    "[" + pid + "]",
                    sockets(a.sockets().get(pid)),
                    sockets(b.sockets().get(pid)));
        }
        for (int pid : union(a.memoryMaps().keySet(), b.memoryMaps().keySet())) {
            PageMap x = a.memoryMaps().get(pid);
            PageMap y = b.memoryMaps().get(pid);
            field(
                    out,
                    "memory",
                    "[" + pid + "] size",
                    x == null ? null : Long.toString(x.totalBytes()),
                    y == null ? null : Long.toString(y.totalBytes()));
        }
        return new CheckpointDiff(out);
    }

    private static void field(List<Change> out, String section, String subject, String before, String after) {
        if (!Objects.equals(before, after)) {
            out.add(new Change(section, subject, before, after));
        }
    }

    private static void diffSets(
            List<Change> out, String section, String subject, Set<String> before, Set<String> after) {
        for (String s : before) {
            if (!after.contains(s)) {
                out.add(new Change(section, subject, s, null));
            }
        }
        for (String s : after) {
            if (!before.contains(s)) {
                out.add(new Change(section, subject, null, s));
            }
        }
    }

    private static Map<Integer, ProcessNode> processes(Checkpoint c) {
        Map<Integer, ProcessNode> m = new LinkedHashMap<>();
        if (c.processTree() != null) {
            c.processTree().flatten().forEach(p -> m.put(p.pid(), p));
        }
        return m;
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }

    private static String describe(ProcessNode p) {
        return p == null ? null : p.comm() + (p.commandLine() == null ? "" : " (" + join(p.commandLine()) + ")");
    }

    private static String join(List<String> l) {
        return l == null ? null : String.join(" ", l);
    }

    private static Set<String> files(List<OpenFile> files) {
        Set<String> s = new LinkedHashSet<>();
        if (files != null) {
            files.forEach(
                    f -> s.add("fd " + f.fd() + " " + f.type() + " " + f.path() + (f.deleted() ? " (deleted)" : "")));
        }
        return s;
    }

    private static Set<String> sockets(List<SocketInfo> sockets) {
        Set<String> s = new LinkedHashSet<>();
        if (sockets != null) {
            sockets.forEach(k -> s.add("fd " + k.fd() + " " + k.protocol() + " " + k.state() + " " + k.source() + ":"
                    + k.sourcePort() + " -> " + k.destination() + ":" + k.destinationPort()));
        }
        return s;
    }
}
