package dev.amber.cli.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.model.ContainerInfo;
import dev.amber.archive.model.DumpStatistics;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.ProcessNode;
import dev.amber.archive.model.RootfsChange;
import dev.amber.archive.model.SocketInfo;
import dev.amber.cli.output.JsonOutput;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of a checkpoint. Keys follow checkpointctl's {@code inspect --format json} so scripts
 * written for it keep working; keys checkpointctl lacks are added beside them, never renamed.
 */
final class CheckpointJson {
    private CheckpointJson() {}

    static ObjectNode of(Checkpoint c, InspectSelection s) {
        ContainerInfo info = c.container();
        ObjectNode n = JsonOutput.object();
        n.put("container_name", info.name());
        n.put("image", info.image());
        n.put("id", info.id());
        n.put("runtime", info.runtime());
        n.put("created", Times.format(info.created()));
        if (info.checkpointed() != null) {
            n.put("checkpointed", Times.format(info.checkpointed()));
        }
        n.put("engine", info.engine().displayName());
        putIfPresent(n, "ip", info.ip());
        putIfPresent(n, "mac", info.mac());
        if (!info.networks().isEmpty()) {
            ArrayNode nets = n.putArray("networks");
            for (ContainerInfo.Network net : info.networks()) {
                ObjectNode o = nets.addObject();
                o.put("name", net.name());
                ObjectNode itfs = o.putObject("interfaces");
                net.interfaces().forEach((name, itf) -> {
                    ObjectNode i = itfs.putObject(name);
                    i.put("ip", itf.ip());
                    i.put("mac", itf.mac());
                    i.put("gateway", itf.gateway());
                });
            }
        }
        ObjectNode size = n.putObject("checkpoint_size");
        putNonZero(size, "total_size", c.sizes().checkpoint());
        putNonZero(size, "memory_pages_size", c.sizes().memoryPages());
        putNonZero(size, "root_fs_diff_size", c.sizes().rootfsDiff());
        putNonZero(size, "archive_size", c.sizes().archive());
        putIfPresent(n, "pod", info.pod());
        putIfPresent(n, "namespace", info.namespace());
        if (s.stats() && c.statistics() != null) {
            n.set("statistics", statistics(c.statistics()));
        }
        if (s.metadata()) {
            ObjectNode m = n.putObject("metadata");
            putIfPresent(m, "pod_name", info.pod());
            putIfPresent(m, "kubernetes_namespace", info.namespace());
            putIfPresent(m, "pod_uid", info.podUid());
            if (!info.annotations().isEmpty()) {
                ObjectNode a = m.putObject("annotations");
                info.annotations().forEach(a::put);
            }
        }
        if (s.psTree() && c.processTree() != null) {
            ProcessNode root = s.pid() != null ? c.processTree().find(s.pid()) : c.processTree();
            n.set("process_tree", process(root, s));
        }
        if (s.files()) {
            n.set("file_descriptors", files(c.files(), s));
        }
        if (s.sockets()) {
            ArrayNode sockets = sockets(c.sockets(), s);
            if (!sockets.isEmpty()) {
                n.set("sockets", sockets);
            }
        }
        if (s.mounts()) {
            ArrayNode mounts = n.putArray("mounts");
            for (ContainerInfo.SpecMount m : info.mounts()) {
                ObjectNode o = mounts.addObject();
                o.put("destination", m.destination());
                o.put("type", m.type());
                o.put("source", m.source());
            }
        }
        if (s.rootfsDiff() && c.rootfsChanges() != null) {
            ArrayNode changes = n.putArray("rootfs_diff");
            for (RootfsChange ch : c.rootfsChanges()) {
                ObjectNode o = changes.addObject();
                o.put("path", ch.path());
                o.put("change", ch.kind().name().toLowerCase(Locale.ROOT));
                if (ch.kind() == RootfsChange.Kind.WRITTEN) {
                    o.put("type", ch.fileType());
                    o.put("size", ch.size());
                }
            }
        }
        return n;
    }

    private static ObjectNode statistics(DumpStatistics d) {
        ObjectNode o = JsonOutput.object();
        putNonZero(o, "freezing_time", d.freezingTime());
        putNonZero(o, "frozen_time", d.frozenTime());
        putNonZero(o, "memdump_time", d.memdumpTime());
        putNonZero(o, "memwrite_time", d.memwriteTime());
        putNonZero(o, "pages_scanned", d.pagesScanned());
        putNonZero(o, "pages_written", d.pagesWritten());
        putNonZero(o, "pages_skipped_parent", d.pagesSkippedParent());
        putNonZero(o, "pages_lazy", d.pagesLazy());
        return o;
    }

    private static ObjectNode process(ProcessNode p, InspectSelection s) {
        ObjectNode o = JsonOutput.object();
        o.put("pid", p.pid());
        o.put("command", p.comm());
        if (s.psTreeCmd() && p.commandLine() != null) {
            o.put("cmdline", String.join(" ", p.commandLine()));
        }
        o.put("task_state", p.state().label());
        if (s.psTreeEnv() && p.environment() != null && !p.environment().isEmpty()) {
            ObjectNode env = o.putObject("environment_variables");
            for (String kv : p.environment()) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        if (!p.children().isEmpty()) {
            ArrayNode kids = o.putArray("children");
            for (ProcessNode child : p.children()) {
                kids.add(process(child, s));
            }
        }
        return o;
    }

    private static ArrayNode files(Map<Integer, List<OpenFile>> files, InspectSelection s) {
        ArrayNode out = JsonOutput.MAPPER.createArrayNode();
        files.forEach((pid, list) -> {
            if (s.pid() != null && !s.pid().equals(pid)) {
                return;
            }
            ObjectNode p = out.addObject();
            p.put("pid", pid);
            if (!list.isEmpty()) {
                ArrayNode open = p.putArray("open_files");
                for (OpenFile f : list) {
                    ObjectNode o = open.addObject();
                    // checkpointctl's shape: "fd" is "<type> <number>"; cwd and root have no type.
                    boolean numbered = f.fd().chars().allMatch(Character::isDigit);
                    o.put("type", numbered ? f.type() : "");
                    o.put("fd", numbered ? f.type() + " " + f.fd() : f.fd());
                    o.put("path", f.path());
                    if (f.deleted()) {
                        o.put("deleted", true);
                    }
                }
            }
        });
        return out;
    }

    private static ArrayNode sockets(Map<Integer, List<SocketInfo>> sockets, InspectSelection s) {
        ArrayNode out = JsonOutput.MAPPER.createArrayNode();
        sockets.forEach((pid, list) -> {
            if (s.pid() != null && !s.pid().equals(pid) || list.isEmpty()) {
                return; // like checkpointctl, only processes that hold sockets are listed
            }
            ObjectNode p = out.addObject();
            p.put("pid", pid);
            if (!list.isEmpty()) {
                ArrayNode open = p.putArray("open_sockets");
                for (SocketInfo sk : list) {
                    ObjectNode o = open.addObject();
                    boolean unix = sk.family().equals("UNIX");
                    o.put("protocol", unix ? "UNIX" : sk.protocol());
                    ObjectNode d = o.putObject("data");
                    d.put("type", unix ? "UNIX" : sk.protocol());
                    if (unix) {
                        d.put("address", sk.source());
                        d.put("socket_type", sk.protocol());
                        d.put("state", sk.state());
                        if (!sk.destination().isEmpty()) {
                            d.put("peer", sk.destination());
                        }
                    } else {
                        d.put("family", sk.family());
                        d.put("state", sk.state());
                        d.put("src", sk.source());
                        d.put("src_port", sk.sourcePort());
                        d.put("dst", sk.destination());
                        d.put("dst_port", sk.destinationPort());
                        if (sk.sendQueue() >= 0) {
                            d.put("send_queue", sk.sendQueue());
                            d.put("recv_queue", sk.receiveQueue());
                        }
                    }
                    d.put("fd", sk.fd());
                }
            }
        });
        return out;
    }

    /** checkpointctl leaves a key out rather than writing null. */
    private static void putIfPresent(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static void putNonZero(ObjectNode o, String key, long value) {
        if (value != 0) {
            o.put(key, value);
        }
    }
}
