package dev.amber.wrapper;

import dev.amber.errors.OneLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A restore the launcher ({@code bin/amber-wrap}, see {@code wrapper/launcher/amber-wrap.in}) starts
 * before it execs the JVM, so that CRIU restores while the JVM boots instead of after it: the JVM's
 * start, about 40 ms, then leaves the restore's critical path.
 *
 * <p>The launcher is a shell script and must not decide anything the wrapper decides, so the wrapper
 * decides at checkpoint time and leaves a plan in the checkpoint: the exact {@code criu restore}
 * command line it would run ({@link #PLAN_FILE}) and the config text it was computed from
 * ({@link #CONFIG_FILE}). The launcher runs the plan only when the config file is unchanged, in
 * the background, and hands criu's pid to the JVM in {@link #PID_VARIABLE}. The JVM then waits for
 * that criu instead of starting its own; exec keeps the launcher's pid, so criu and the restored
 * tree ({@code --restore-sibling}) are the JVM's children. If that restore fails, the wrapper
 * restores again on its own, as it would have without the launcher's help.
 *
 * <p>The plan's second line says whether the checkpoint holds {@code additionalPaths}, which must be
 * back in place before CRIU reopens them. {@link #PATHS_FILE} lists the saved ones, and the launcher
 * copies each back into its parent directory first, as {@link AppFiles#restoreAdditional} does; not
 * the whole {@code additional-paths/} tree onto {@code /}, which would also give {@code /tmp} and the
 * other directories above them the modes of their stand-ins in the checkpoint.
 * No plan is written when CRIU cannot create pids exactly with {@code clone3(set_tid)}: it would then
 * move the pid namespace's last-pid counter, and the JVM's threads, starting at the same moment,
 * could take a pid of the app's.
 */
final class EarlyRestore {
    static final String PLAN_FILE = "amber-restore.argv";
    static final String CONFIG_FILE = "amber-restore.config";
    /** The additional paths saved in the checkpoint, one absolute path a line. */
    static final String PATHS_FILE = "amber-restore.paths";
    /** First line of a plan; the launcher runs only plans in a format it knows. */
    static final String PLAN_HEADER = "amber-restore-plan 1";

    static final String PID_VARIABLE = "AMBER_EARLY_RESTORE_PID";
    /** Copy back the paths {@link #PATHS_FILE} lists. ("additional-paths yes" meant the whole tree.) */
    static final String COPY_ADDITIONAL_PATHS = "additional-paths listed";

    static final String NO_ADDITIONAL_PATHS = "additional-paths no";

    private EarlyRestore() {}

    /**
     * Writes the plan into a checkpoint directory that is not published yet, so it becomes visible
     * with the checkpoint or not at all.
     *
     * @param savedPaths the additional paths {@link AppFiles#saveAdditional} saved into the checkpoint
     *
     * @return false, writing nothing, when a line of the command cannot be written as one line
     */
    static boolean writePlan(
            Path checkpointDir, Path criu, List<String> restoreArgs, String configText, List<Path> savedPaths) {
        List<String> saved = savedPaths.stream().map(Path::toString).toList();
        List<String> lines = new ArrayList<>();
        lines.add(PLAN_HEADER);
        lines.add(saved.isEmpty() ? NO_ADDITIONAL_PATHS : COPY_ADDITIONAL_PATHS);
        lines.add(criu.toString());
        lines.addAll(restoreArgs);
        if (Stream.concat(lines.stream(), saved.stream())
                        .anyMatch(l -> l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0 || l.indexOf('\0') >= 0)
                || savedPaths.stream().anyMatch(p -> !p.normalize().equals(p))) {
            return false;
        }
        try {
            Files.writeString(checkpointDir.resolve(CONFIG_FILE), configText, StandardCharsets.UTF_8);
            if (!saved.isEmpty()) {
                Files.write(checkpointDir.resolve(PATHS_FILE), saved, StandardCharsets.UTF_8);
            }
            Files.write(checkpointDir.resolve(PLAN_FILE), lines, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new WrapperException("cannot write the restore plan into " + checkpointDir + ": " + OneLine.of(e), e);
        }
    }

    /** The command line in a checkpoint's plan (criu's path first), if it has a readable one. */
    static Optional<List<String>> readPlan(Path checkpointDir) {
        try {
            List<String> lines = Files.readAllLines(checkpointDir.resolve(PLAN_FILE), StandardCharsets.UTF_8);
            return lines.size() > 2 && lines.getFirst().equals(PLAN_HEADER)
                    ? Optional.of(List.copyOf(lines.subList(2, lines.size())))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The pid of the criu the launcher started, if it started one. */
    static Optional<Long> startedByLauncher(Map<String, String> environment) {
        String value = environment.get(PID_VARIABLE);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new WrapperException(
                    PID_VARIABLE + "=" + value + " is not a pid; it is meant for the launcher alone");
        }
    }
}
