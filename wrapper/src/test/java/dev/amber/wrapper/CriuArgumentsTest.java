package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriuArgumentsTest {
    private static final Path DIR = Path.of("/data/.partial-x");

    @Test
    void aPlainDumpIsAShellJobWithCgroupsLeftAlone() {
        List<String> args = CriuArguments.dump(WrapperConfig.withImageDir(Path.of("/data")), 42, DIR);

        assertThat(args)
                .containsExactly(
                        "dump",
                        "--tree",
                        "42",
                        "--images-dir",
                        "/data/.partial-x",
                        "--log-file",
                        "dump.log",
                        "-v4",
                        "--shell-job",
                        "--manage-cgroups=ignore");
    }

    @Test
    void everyConfiguredOptionReachesDumpAndRestore() {
        WrapperConfig config = WrapperConfigLoader.parse("""
                imageDir: /data
                tcpEstablished: true
                fileLocks: true
                extUnixSockets: true
                manageCgroups: full
                ghostLimit: 10M
                externalMounts: [/mnt/a]
                """, "c");

        List<String> dump = CriuArguments.dump(config, 7, DIR);
        List<String> restore = CriuArguments.restore(config, DIR, DIR.resolve("restored.pid"), Map.of());

        for (List<String> args : List.of(dump, restore)) {
            assertThat(args).contains("--tcp-established", "--file-locks", "--ext-unix-sk", "--manage-cgroups=full");
            assertThat(String.join(" ", args)).contains("--external mnt[/mnt/a]:/mnt/a");
        }
        assertThat(String.join(" ", dump)).contains("--ghost-limit 10M");
        assertThat(restore).doesNotContain("--ghost-limit", "--tcp-close");
    }

    @Test
    void tcpCloseReachesDumpAndRestore() {
        WrapperConfig config = WrapperConfigLoader.parse("imageDir: /data\ntcpClose: true\n", "c");

        assertThat(CriuArguments.dump(config, 7, DIR)).contains("--tcp-close").doesNotContain("--tcp-established");
        assertThat(CriuArguments.restore(config, DIR, DIR.resolve("restored.pid"), Map.of()))
                .contains("--tcp-close")
                .doesNotContain("--tcp-established");
    }

    @Test
    void restoreMakesTheTreeTheWrappersChildAndReattachesStdio() {
        List<String> args = CriuArguments.restore(
                WrapperConfig.withImageDir(Path.of("/data")),
                DIR,
                Path.of("/data/.partial-x/restored.pid"),
                Map.of(2, "pipe:[99]", 1, "pipe:[98]"));

        assertThat(args)
                .containsSubsequence("restore", "--images-dir", "/data/.partial-x", "--log-file", "restore.log");
        assertThat(args).contains("--shell-job", "--restore-detached", "--restore-sibling");
        assertThat(String.join(" ", args))
                .contains("--pidfile /data/.partial-x/restored.pid")
                .endsWith("--inherit-fd fd[1]:pipe:[98] --inherit-fd fd[2]:pipe:[99]");
    }
}
