package dev.amber.agent.node;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a node agent runs.
 *
 * @param checkpointDirectory the directory to watch; a policy's {@code checkpointDirectory} must agree
 * @param stateDirectory where the index is kept across restarts
 * @param debounce how long an archive's size must stay the same before it counts as complete
 * @param resync how often every archive is judged again (for maxAge, and as a safety net for lost events)
 * @param dryRun decide and report, delete nothing
 */
public record AgentConfig(
        Path checkpointDirectory, Path stateDirectory, Duration debounce, Duration resync, boolean dryRun) {}
