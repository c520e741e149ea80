package dev.amber.agent.index;

import dev.amber.agent.store.ArchiveFiles;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the checkpoint directory (inotify through {@link WatchService}) and reports an archive only
 * once it is complete: its size and modification time stayed the same for a whole debounce interval.
 * Whether it is also a readable tar is for the reader to say; a file that changes again is reported again.
 */
public final class ArchiveWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWatcher.class);

    /** What the watcher tells. Calls come from the watcher's threads. */
    public interface Listener {
        /**
         * @param stableSinceNanos {@link System#nanoTime()} when the file was first seen at its final size
         */
        void archiveComplete(String fileName, long size, long modifiedMillis, long stableSinceNanos);

        void archiveRemoved(String fileName);

        void pinChanged(String archiveFileName);

        /** Events were lost (queue overflow): the directory must be scanned again. */
        void rescanNeeded();
    }

    private record Observation(long size, long modifiedMillis, long seenNanos) {}

    private final Path dir;
    private final Duration debounce;
    private final Listener listener;
    private final WatchService watchService;
    private final ScheduledExecutorService timers;
    private final Map<String, Observation> pending = new HashMap<>();
    private final Thread thread;

    public ArchiveWatcher(Path dir, Duration debounce, Listener listener) throws IOException {
        this.dir = dir;
        this.debounce = debounce;
        this.listener = listener;
        this.watchService = dir.getFileSystem().newWatchService();
        dir.register(
                watchService,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "amber-debounce"));
        this.thread = Thread.ofPlatform().daemon().name("amber-watch").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        listener.rescanNeeded();
                        continue;
                    }
                    String name = event.context().toString();
                    String pinned = ArchiveFiles.pinnedArchive(name);
                    if (pinned != null) {
                        listener.pinChanged(pinned);
                    } else if (ArchiveFiles.isArchiveName(name)) {
                        if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
                            synchronized (pending) {
                                pending.remove(name);
                            }
                            listener.archiveRemoved(name);
                        } else {
                            observe(name);
                        }
                    }
                }
                if (!key.reset()) {
                    LOG.error("checkpoint directory {} is no longer watchable", dir);
                    listener.rescanNeeded();
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /** Records what the file looks like now and checks again after the debounce interval. */
    private void observe(String name) {
        Observation now = stat(name);
        if (now == null) {
            return;
        }
        synchronized (pending) {
            Observation before = pending.get(name);
            if (before != null && before.size() == now.size() && before.modifiedMillis() == now.modifiedMillis()) {
                return; // a check is already scheduled and the file has not changed
            }
            boolean scheduled = before != null;
            pending.put(name, now);
            if (!scheduled) {
                schedule(name);
            }
        }
    }

    private void schedule(String name) {
        try {
            timers.schedule(() -> check(name), debounce.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void check(String name) {
        Observation now = stat(name);
        Observation seen;
        synchronized (pending) {
            seen = pending.get(name);
            if (seen == null) {
                return;
            }
            if (now == null) {
                pending.remove(name);
                return;
            }
            boolean unchanged = seen.size() == now.size() && seen.modifiedMillis() == now.modifiedMillis();
            if (!unchanged || System.nanoTime() - seen.seenNanos() < debounce.toNanos()) {
                if (!unchanged) {
                    pending.put(name, now);
                }
                schedule(name);
                return;
            }
            pending.remove(name);
        }
        listener.archiveComplete(name, now.size(), now.modifiedMillis(), seen.seenNanos());
    }

    private Observation stat(String name) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
            return a.isRegularFile()
                    ? new Observation(a.size(), a.lastModifiedTime().toMillis(), System.nanoTime())
                    : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot stat {}: {}", name, e.getMessage());
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        timers.shutdownNow();
        watchService.close();
        thread.interrupt();
    }
}
