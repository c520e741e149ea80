package dev.amber.agent.node;

import dev.amber.kube.policy.PolicyFiles;
import dev.amber.retention.InvalidPolicyException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For agents without a cluster: re-reads the policy file when it changes (written in place or renamed
 * over, as editors and config-management tools do) and hands a valid policy to the agent. An invalid
 * one is logged and ignored, so the agent goes on with the last valid policy.
 */
public final class PolicyFileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFileWatcher.class);

    private final Path file;
    private final NodeAgent agent;
    private final WatchService watchService;
    private final Thread thread;

    public PolicyFileWatcher(Path file, NodeAgent agent) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.agent = agent;
        this.watchService = this.file.getFileSystem().newWatchService();
        this.file
                .getParent()
                .register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = Thread.ofPlatform().daemon().name("amber-policy-file").start(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean changed = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    changed |= e.context() != null && file.getFileName().equals(e.context());
                }
                key.reset();
                if (changed) {
                    reload();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private void reload() {
        try {
            LOG.info("policy file {} changed", file);
            agent.setPolicy(PolicyFiles.load(file));
        } catch (InvalidPolicyException e) {
            agent.policyRejected(e);
        } catch (IOException e) {
            LOG.warn("cannot read policy file {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        watchService.close();
        thread.interrupt();
    }
}
