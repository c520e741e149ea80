package dev.amber.cli.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Kubelet-named CRI-O-layout archives made with the tar tool: real tars that no Amber code wrote. */
public final class TarArchives {
    private TarArchives() {}

    public static Path write(Path dir, Path work, String ns, String pod, String container, Instant time)
            throws Exception {
        Path src = Files.createTempDirectory(work, "a");
        Files.writeString(src.resolve("config.dump"), """
                {"id":"c0ffee","name":"%s","checkpointedTime":"%s"}""".formatted(container, time));
        Files.writeString(src.resolve("spec.dump"), """
                {"annotations":{"io.container.manager":"cri-o","io.kubernetes.cri-o.Metadata":"{\\"name\\":\\"%s\\"}",
                 "io.kubernetes.pod.name":"%s","io.kubernetes.pod.namespace":"%s"}}""".formatted(container, pod, ns));
        Path tar = dir.resolve("checkpoint-" + pod + "_" + ns + "-" + container + "-" + time + ".tar");
        Process p = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", src.toString(), "config.dump", "spec.dump")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor())
                .as(new String(p.getInputStream().readAllBytes()))
                .isZero();
        return tar;
    }
}
