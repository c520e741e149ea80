package dev.amber.archive.model;

import java.util.List;
import java.util.stream.Stream;

/**
 * One process of the checkpointed tree.
 *
 * @param commandLine arguments read from the process's memory; null when not requested or unreadable
 * @param environment {@code KEY=value} strings read from memory; null when not requested or unreadable
 */
public record ProcessNode(
        int pid,
        int ppid,
        int pgid,
        int sid,
        List<Integer> threads,
        String comm,
        TaskState state,
        Credentials credentials,
        List<String> commandLine,
        List<String> environment,
        String cwd,
        String root,
        String executable,
        List<ProcessNode> children) {

    public record Credentials(int uid, int gid, int euid, int egid) {}

    /** Depth-first, parents before children. */
    public Stream<ProcessNode> flatten() {
        return Stream.concat(Stream.of(this), children.stream().flatMap(ProcessNode::flatten));
    }

    public ProcessNode find(int wanted) {
        return flatten().filter(p -> p.pid == wanted).findFirst().orElse(null);
    }
}
