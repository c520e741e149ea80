package dev.amber.archive.criu;

import dev.amber.archive.ArchiveException;
import dev.amber.archive.criu.proto.FdinfoEntry;
import dev.amber.archive.criu.proto.FileEntry;
import dev.amber.archive.criu.proto.FsEntry;
import dev.amber.archive.criu.proto.InetSkEntry;
import dev.amber.archive.criu.proto.TcpStreamEntry;
import dev.amber.archive.criu.proto.UnixSkEntry;
import dev.amber.archive.model.OpenFile;
import dev.amber.archive.model.SocketInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a process's descriptor table (fdinfo + files.img) into open files and sockets. */
public final class FileDescriptorDecoder {
    static final int REG = 1;
    static final int PIPE = 2;
    static final int FIFO = 3;
    static final int INETSK = 4;
    static final int UNIXSK = 5;

    private static final String[] FD_TYPES = {
        "UND",
        "REG",
        "PIPE",
        "FIFO",
        "INETSK",
        "UNIXSK",
        "EVENTFD",
        "EVENTPOLL",
        "INOTIFY",
        "SIGNALFD",
        "PACKETSK",
        "TTY",
        "FANOTIFY",
        "NETLINKSK",
        "NS",
        "TUNF",
        "EXT",
        "TIMERFD",
        "MEMFD",
        "BPFMAP",
        "PIDFD"
    };

    private FileDescriptorDecoder() {}

    public static String typeName(int type) {
        return type >= 0 && type < FD_TYPES.length ? FD_TYPES[type] : "TYPE" + type;
    }

    /** The open files of {@code pid}, then its cwd and root as checkpointctl lists them. */
    public static List<OpenFile> openFiles(CriuImages images, int pid) throws ArchiveException {
        Map<Integer, FileEntry> files = images.files();
        var ghosts = images.ghostFileIds();
        List<OpenFile> out = new ArrayList<>();
        for (FdinfoEntry fd : images.fdinfo(pid)) {
            FileEntry f = files.get(fd.getId());
            String type = typeName(fd.getType());
            String path;
            boolean deleted = false;
            long pos = 0;
            switch (fd.getType()) {
                case REG -> {
                    path = regularPath(f);
                    deleted = ghosts.contains(fd.getId());
                    pos = f != null && f.hasReg() ? f.getReg().getPos() : 0;
                }
                case PIPE ->
                    path = "pipe["
                            + (f != null && f.hasPipe()
                                    ? Integer.toUnsignedString(f.getPipe().getPipeId())
                                    : "?") + "]";
                case FIFO ->
                    path = "fifo["
                            + (f != null && f.hasFifo()
                                    ? Integer.toUnsignedString(f.getFifo().getPipeId())
                                    : "?") + "]";
                case INETSK ->
                    path = "socket["
                            + (f != null && f.hasIsk()
                                    ? Integer.toUnsignedString(f.getIsk().getIno())
                                    : "?") + "]";
                case UNIXSK ->
                    path = "socket["
                            + (f != null && f.hasUsk()
                                    ? Integer.toUnsignedString(f.getUsk().getIno())
                                    : "?") + "]";
                default -> path = type.toLowerCase(Locale.ROOT);
            }
            out.add(new OpenFile(Integer.toString(fd.getFd()), type, path, deleted, pos));
        }
        FsEntry fs = images.fs(pid);
        if (fs != null) {
            out.add(new OpenFile(
                    "cwd", "REG", regularPath(files.get(fs.getCwdId())), ghosts.contains(fs.getCwdId()), 0));
            out.add(new OpenFile(
                    "root", "REG", regularPath(files.get(fs.getRootId())), ghosts.contains(fs.getRootId()), 0));
        }
        return out;
    }

    /** The sockets among {@code pid}'s descriptors, one per descriptor. */
    public static List<SocketInfo> sockets(CriuImages images, int pid) throws ArchiveException {
        Map<Integer, FileEntry> files = images.files();
        List<SocketInfo> out = new ArrayList<>();
        for (FdinfoEntry fd : images.fdinfo(pid)) {
            FileEntry f = files.get(fd.getId());
            if (f == null) {
                continue;
            }
            String fdName = Integer.toString(fd.getFd());
            if (fd.getType() == INETSK && f.hasIsk()) {
                out.add(inet(images, fdName, f.getIsk()));
            } else if (fd.getType() == UNIXSK && f.hasUsk()) {
                out.add(unix(fdName, f.getUsk()));
            }
        }
        return out;
    }

    private static SocketInfo inet(CriuImages images, String fd, InetSkEntry sk) throws ArchiveException {
        String family = sk.getFamily() == 10 ? "INET6" : "INET";
        String protocol = switch (sk.getProto()) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 136 -> "UDPLITE";
            case 1, 58 -> "ICMP";
            default -> sk.getType() == 3 ? "RAW" : "PROTO" + sk.getProto();
        };
        long sendQueue = -1;
        long recvQueue = -1;
        if (sk.getProto() == 6) {
            TcpStreamEntry tcp = images.tcpStream(sk.getIno());
            if (tcp != null) {
                sendQueue = Integer.toUnsignedLong(tcp.getOutqLen());
                recvQueue = Integer.toUnsignedLong(tcp.getInqLen());
            }
        }
        return new SocketInfo(
                fd,
                family,
                protocol,
                SocketStates.name(sk.getState()),
                Addresses.format(sk.getSrcAddrList()),
                sk.getSrcPort(),
                Addresses.format(sk.getDstAddrList()),
                sk.getDstPort(),
                sendQueue,
                recvQueue);
    }

    private static SocketInfo unix(String fd, UnixSkEntry sk) {
        String type = switch (sk.getType()) {
            case 1 -> "STREAM";
            case 2 -> "DGRAM";
            case 5 -> "SEQPACKET";
            default -> "TYPE" + sk.getType();
        };
        byte[] raw = sk.getName().toByteArray();
        String name;
        if (raw.length > 0 && raw[0] == 0) {
            name = "@" + new String(raw, 1, raw.length - 1, StandardCharsets.UTF_8).replace('\0', '@');
        } else {
            name = new String(raw, StandardCharsets.UTF_8);
        }
        String peer = sk.getPeer() == 0 ? "" : "socket[" + Integer.toUnsignedString(sk.getPeer()) + "]";
        return new SocketInfo(fd, "UNIX", type, SocketStates.name(sk.getState()), name, 0, peer, 0, -1, -1);
    }

    /** A regular file's path; CRIU stores paths relative to the mount root without the leading slash. */
    static String regularPath(FileEntry f) {
        if (f == null || !f.hasReg()) {
            return "";
        }
        String name = f.getReg().getName();
        return name.startsWith("/") ? name : "/" + name;
    }
}
