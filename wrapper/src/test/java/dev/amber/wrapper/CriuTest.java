package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuTest {

    /** Lines of a real restore.log from a wrapped counter in a Kubernetes pod (containerd, runc, no /dev/net/tun). */
    private static final String RESTORE_LOG_IN_A_POD = """
            (00.001664) Found task size of 7ffffffff000
            (00.001752) Error (criu/tun.c:85): tun: Unable to create tun: No such file or directory
            (00.003259) net: Dumping netns links
            (00.020977) Warn  (criu/kerndat.c:1290): Can't keep kdat cache on non-tempfs
            (00.020995) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
            (00.021628) Error (criu/cr-restore.c:1237): Can't fork for 22: File exists
            (00.021648) Error (criu/cr-restore.c:2331): Restoring FAILED.
            """;

    @Test
    void firstErrorSkipsWhatCriuCarriesOnFromAndQuotesTheCause(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(dir.resolve("restore.log"), RESTORE_LOG_IN_A_POD);

        assertThat(Criu.firstError(log)).hasValue("Error (criu/cr-restore.c:1237): Can't fork for 22: File exists");
    }

    @Test
    void firstErrorIsEmptyWithoutAnErrorLine(@TempDir Path dir) throws IOException {
        Path log = Files.writeString(dir.resolve("dump.log"), "(00.000001) Dumping finished successfully\n");

        assertThat(Criu.firstError(log)).isEmpty();
        assertThat(Criu.firstError(dir.resolve("missing.log"))).isEmpty();
    }
}
