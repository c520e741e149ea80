package dev.amber.archive.model;

/**
 * An open file descriptor of a process.
 *
 * @param type CRIU's file type name: REG, PIPE, FIFO, INETSK, UNIXSK, TTY, EVENTFD, ...
 * @param path the file's path, or a description such as {@code pipe:[123]}; {@code cwd} and {@code root}
 *     appear as their own pseudo-descriptors like checkpointctl shows them
 * @param deleted the file was unlinked while open (CRIU saved it as a ghost file)
 */
public record OpenFile(String fd, String type, String path, boolean deleted, long position) {}
