package dev.amber.testkit.crio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The fixture's archive is what CRI-O writes for a kubelet checkpoint, checked with plain tar. */
@Tag("crio")
@Tag("criu")
class CrioCheckpointsTest {

    @Test
    void anUncompressedTarWithCrioMetadataCriuImagesAndTheLog() throws Exception {
        CrioCheckpoints.Counter counter = CrioCheckpoints.counter();
        Path archive = counter.archive();
        assertThat(archive.getFileName().toString())
                .startsWith("checkpoint-" + counter.pod().name() + "_" + Crio.NAMESPACE + "-"
                        + CrioCheckpoints.CONTAINER + "-")
                .endsWith(".tar");
        byte[] head = Arrays.copyOf(Files.readAllBytes(archive), 512);
        assertThat(new String(head, 257, 5, StandardCharsets.US_ASCII))
                .as("ustar magic: no compression")
                .isEqualTo("ustar");

        List<String> entries = tar("-tf", archive.toString()).lines().toList();
        assertThat(entries)
                .contains(
                        "stats-dump",
                        "dump.log",
                        "checkpoint/",
                        "checkpoint/inventory.img",
                        "checkpoint/pstree.img",
                        "config.dump",
                        "spec.dump",
                        "bind.mounts",
                        "rootfs-diff.tar",
                        "deleted.files",
                        CrioCheckpoints.LOG_ENTRY);
        assertThat(tar("-xOf", archive.toString(), "deleted.files"))
                .contains(CrioCheckpoints.DELETED_FILE.substring(1));
        assertThat(tar("-xOf", archive.toString(), "spec.dump")).contains("\"io.container.manager\": \"cri-o\"");
        assertThat(CrioCheckpoints.counts(tar("-xOf", archive.toString(), CrioCheckpoints.LOG_ENTRY)))
                .isNotEmpty()
                .allMatch(c -> c.token().equals(counter.token()));
    }

    private static String tar(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tar"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tar %s", String.join(" ", args)).isZero();
        return out;
    }
}
