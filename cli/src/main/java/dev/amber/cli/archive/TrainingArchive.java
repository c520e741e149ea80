package dev.amber.cli.archive;

import dev.amber.archive.synthetic.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The small checkpoint the AOT training run reads: every code path of the user commands, in milliseconds. */
public final class TrainingArchive {
    private TrainingArchive() {}

    public static Path write(Path dir) throws IOException {
        byte[] memory = "....AMBER training memory....".getBytes(StandardCharsets.UTF_8);
        SyntheticCheckpoint.standard(memory)
                .writeTar(dir.resolve("training.tar.zst"), SyntheticCheckpoint.Compression.ZSTD);
        return SyntheticCheckpoint.standard(memory)
                .writeTar(dir.resolve("training.tar"), SyntheticCheckpoint.Compression.NONE);
    }
}
