package dev.amber.cli.archive;

import dev.amber.archive.Checkpoint;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.archive.model.DumpStatistics;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.RootfsChange;
import dev.amber.archive.model.SocketInfo;
import dev.amber.cli.output.Bytes;
import dev.amber.cli.output.Tree;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/** The tree view of a checkpoint, laid out as checkpointctl's so its users read it at a glance. */
final class CheckpointTree {
    private CheckpointTree() {}

    static Tree of(Checkpoint c, InspectSelection s) {
        ContainerInfo i = c.container();
        Tree root = new Tree(i.name() == null ? "(unnamed container)" : i.name());
        root.field("Image", i.image())
                .field("ID", i.id())
                .field("Runtime", i.runtime())
                .field("Created", Times.format(i.created()))
                .field("Checkpointed", Times.format(i.checkpointed()))
                .field("Engine", i.engine().displayName())
                .field("Pod", i.pod())
                .field("Namespace", i.namespace())
                .field("IP", i.ip())
                .field("MAC", i.mac());
        Tree size = root.add("Checkpoint size: " + Bytes.human(c.sizes().checkpoint()));
        if (c.sizes().memoryPages() > 0) {
            size.add("Memory pages size: " + Bytes.human(c.sizes().memoryPages()));
        }
        if (c.sizes().rootfsDiff() > 0) {
            root.add("Root FS diff size: " + Bytes.human(c.sizes().rootfsDiff()));
        }
        if (s.stats()) {
            statistics(root, c.statistics());
        }
        if (s.metadata()) {
            Tree meta = root.add("Metadata");
            meta.field("Pod name", i.pod())
                    .field("Kubernetes namespace", i.namespace())
                    .field("Pod UID", i.podUid());
            if (!i.annotations().isEmpty()) {
                Tree a = meta.add("Annotations");
                i.annotations().forEach((k, v) -> a.add(k + ": " + v));
            }
        }
        if (s.psTree() && c.processTree() != null) {
            Tree ps = root.add("Process tree");
            ProcessNode start = s.pid() != null ? c.processTree().find(s.pid()) : c.processTree();
            process(ps, start, s);
        }
        if (s.files()) {
            Tree files = root.add("Open files");
            perProcess(
                    files,
                    c,
                    c.files(),
                    s,
                    (t, f) -> t.add("[" + label(f) + "]  " + f.path() + (f.deleted() ? " (deleted)" : "")));
        }
        if (s.sockets()) {
            Tree sockets = root.add("Open sockets");
            perProcess(sockets, c, c.sockets(), s, (t, sk) -> t.add(socket(sk)));
        }
        if (s.mounts()) {
            Tree mounts = root.add("Overview of mounts");
            for (ContainerInfo.SpecMount m : i.mounts()) {
                Tree d = mounts.add("Destination: " + m.destination());
                d.field("Type", m.type()).field("Source", m.source());
            }
        }
        if (s.rootfsDiff() && c.rootfsChanges() != null) {
            Tree changes = root.add("Root FS changes");
            if (c.rootfsChanges().isEmpty()) {
                changes.add("(none)");
            }
            for (RootfsChange ch : c.rootfsChanges()) {
                changes.add(
                        ch.kind() == RootfsChange.Kind.DELETED
                                ? "deleted  " + ch.path()
                                : "written  " + ch.path() + " (" + ch.fileType() + ", " + Bytes.human(ch.size()) + ")");
            }
        }
        return root;
    }

    private static String label(OpenFile f) {
        return f.fd().chars().allMatch(Character::isDigit) ? f.type() + " " + f.fd() : f.fd();
    }

    private static String socket(SocketInfo sk) {
        if (sk.family().equals("UNIX")) {
            String name = sk.source().isEmpty() ? "(unnamed)" : sk.source();
            String peer = sk.destination().isEmpty() ? "" : " -> " + sk.destination();
            return "[UNIX " + sk.protocol() + " (" + sk.state() + ")] fd " + sk.fd() + "  " + name + peer;
        }
        String line = "[" + sk.protocol() + " (" + sk.state() + ")] fd " + sk.fd() + "  "
                + hostPort(sk.source(), sk.sourcePort()) + " -> " + hostPort(sk.destination(), sk.destinationPort());
        if (sk.sendQueue() >= 0) {
            line += " (send queue " + Bytes.human(sk.sendQueue()) + ", receive queue " + Bytes.human(sk.receiveQueue())
                    + ")";
        }
        return line;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static <T> void perProcess(
            Tree parent, Checkpoint c, Map<Integer, List<T>> byPid, InspectSelection s, BiConsumer<Tree, T> item) {
        byPid.forEach((pid, items) -> {
            if (s.pid() != null && !s.pid().equals(pid)) {
                return;
            }
            ProcessNode p = c.processTree() == null ? null : c.processTree().find(pid);
            Tree t = parent.add("[" + pid + "]  " + (p == null ? "" : p.comm()));
            items.forEach(x -> item.accept(t, x));
        });
    }

    private static void process(Tree parent, ProcessNode p, InspectSelection s) {
        Tree t = parent.add("[" + p.pid() + "]  " + p.comm()
                + (p.state().aliveOrStopped() ? "" : " (" + p.state().label() + ")"));
        if (s.psTreeCmd() && p.commandLine() != null) {
            t.add("Command line: " + String.join(" ", p.commandLine()));
        }
        if (s.psTreeEnv() && p.environment() != null && !p.environment().isEmpty()) {
            Tree env = t.add("Environment variables");
            p.environment().forEach(env::add);
        }
        for (ProcessNode child : p.children()) {
            process(t, child, s);
        }
    }

    private static void statistics(Tree root, DumpStatistics d) {
        Tree t = root.add("CRIU dump statistics");
        if (d == null) {
            t.add("(not recorded)");
            return;
        }
        t.add("Freezing time: " + micros(d.freezingTime()));
        t.add("Frozen time: " + micros(d.frozenTime()));
        t.add("Memdump time: " + micros(d.memdumpTime()));
        t.add("Memwrite time: " + micros(d.memwriteTime()));
        t.add("Pages scanned: " + d.pagesScanned());
        t.add("Pages written: " + d.pagesWritten());
        if (d.pagesSkippedParent() > 0) {
            t.add("Pages skipped (in parent): " + d.pagesSkippedParent());
        }
        if (d.pagesLazy() > 0) {
            t.add("Pages lazy: " + d.pagesLazy());
        }
    }

    private static String micros(long us) {
        return us < 1000 ? us + " µs" : String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
    }
}
