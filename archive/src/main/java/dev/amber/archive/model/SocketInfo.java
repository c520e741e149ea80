package dev.amber.archive.model;

/**
 * A socket held by a process.
 *
 * @param family UNIX, INET or INET6
 * @param protocol TCP, UDP, ... for inet sockets; STREAM, DGRAM, SEQPACKET for unix sockets
 * @param source local address; for unix sockets the bound name
 * @param destination peer address; an IPv4-mapped peer of an IPv6 socket is shown as IPv4
 * @param sendQueue bytes queued to send (from tcp-stream), or -1 when not recorded
 * @param receiveQueue bytes received and not yet read (from tcp-stream), or -1
 */
public record SocketInfo(
        String fd,
        String family,
        String protocol,
        String state,
        String source,
        int sourcePort,
        String destination,
        int destinationPort,
        long sendQueue,
        long receiveQueue) {}
