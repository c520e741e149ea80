/**
 * In-container checkpointing: {@code amber wrap run -- CMD} runs CMD as its child, checkpoints it
 * with CRIU on SIGTERM and restores it when the container starts again with the same image
 * directory. No Kubernetes dependency; the node's fate comes from {@code amber node-state-server}
 * over plain HTTP.
 *
 * <h2>How the wrapper talks to CRIU: the command line, not RPC</h2>
 * CRIU's RPC needs a {@code SOCK_SEQPACKET} socket: {@code criu swrk <fd>} expects one end of a
 * seqpacket socketpair as an inherited descriptor, and {@code criu service} listens on a seqpacket
 * unix socket. Pure Java at language level 21 can do neither: {@code SocketChannel} knows only
 * stream unix sockets, there is no socketpair, {@link java.lang.ProcessBuilder} closes every
 * descriptor above 2 in the child, and the foreign-function API that could call socketpair(2) is
 * final only from Java 22. JNI would mean a native library per architecture in every image. So the
 * wrapper runs {@code criu dump} and {@code criu restore} with the same options the RPC's
 * {@code criu_opts} carry ({@link dev.amber.wrapper.CriuArguments}); errors come from CRIU's log
 * file, which has more detail than {@code criu_resp} would give. The one RPC-only feature the
 * wrapper needs, restoring the tree as its own child ({@code rst_sibling}), exists on the command
 * line as {@code --restore-detached --restore-sibling}.
 *
 * <h2>Process and descriptor choices</h2>
 * <ul>
 *   <li>The app leads a session of its own, started through {@code setsid(1)} (see
 *       {@link dev.amber.wrapper.OwnSession}). Where an image has no setsid it shares the wrapper's
 *       session, which is outside the dumped tree; dump and restore keep {@code --shell-job} for that
 *       case and for checkpoints an older wrapper wrote (it changes nothing for a session leader).
 *   <li>The app writes straight to the wrapper's stdout and stderr (the container log), not through
 *       a copy loop. At dump the wrapper records what fds 0-2 were ({@code pipe:[inode]}); at
 *       restore {@code --inherit-fd} swaps in the new container's descriptors.
 *   <li>SIGTERM is caught with {@code sun.misc.Signal} (see {@link dev.amber.wrapper.TermSignal}).
 * </ul>
 *
 * <h2>Restore time: CRIU does not wait for the JVM</h2>
 * A restore would otherwise take CRIU's time plus the JVM's start (about 40 ms, even from the AOT
 * cache that {@code wrapper/aot-training} fills by restoring and checkpointing once). So each
 * checkpoint carries a plan, the exact {@code criu restore} command the wrapper would run, and the
 * launcher starts it before it execs the JVM, which then adopts criu and the restored tree (see
 * {@link dev.amber.wrapper.EarlyRestore}). The launcher runs the JVM interpreted: the wrapper's
 * code runs once per start and once per SIGTERM, and the JIT's CPU would be taken from CRIU.
 */
package dev.amber.wrapper;
