package dev.amber.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnSessionTest {
    @Test
    void theAppLeadsItsOwnSessionAndKeepsThePidTheWrapperWaitsFor() throws Exception {
        Optional<Path> setsid = OwnSession.find(System.getenv("PATH"));
        assertThat(setsid).as("setsid(1) on PATH (util-linux)").isPresent();
        // stat fields after the command name: state ppid pgrp session ...
        Process app = new ProcessBuilder(OwnSession.command(
                        List.of("sh", "-c", "read -r stat < /proc/self/stat; echo \"${stat##*) }\""), setsid))
                .start();
        String[] fields = new String(app.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .trim()
                .split(" ");
        assertThat(app.waitFor()).isZero();
        long session = Long.parseLong(fields[3]);
        long group = Long.parseLong(fields[2]);
        assertThat(session).as("session id").isEqualTo(app.pid());
        assertThat(group).as("process group").isEqualTo(app.pid());
        assertThat(session).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void withoutSetsidTheCommandIsUnchanged(@TempDir Path empty) {
        assertThat(OwnSession.find(empty.toString())).isEmpty();
        assertThat(OwnSession.find(null)).isEmpty();
        assertThat(OwnSession.command(List.of("app", "-x"), Optional.empty())).containsExactly("app", "-x");
    }

    @Test
    void findsSetsidInTheFirstDirectoryThatHasIt(@TempDir Path dir) throws Exception {
        Path first = Files.createDirectories(dir.resolve("a"));
        Path second = Files.createDirectories(dir.resolve("b"));
        Path setsid = Files.createFile(second.resolve("setsid"));
        setsid.toFile().setExecutable(true);
        assertThat(OwnSession.find(first + ":" + second)).contains(setsid);
        assertThat(OwnSession.command(List.of("-odd-name"), Optional.of(setsid)))
                .containsExactly(setsid.toString(), "--", "-odd-name");
    }
}
