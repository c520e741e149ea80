package dev.amber.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amber.image.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingFileContentTest {
    @TempDir
    Path dir;

    private Path file(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(3).nextBytes(data);
        return Files.write(dir.resolve("blob"), data);
    }

    private static void read(HashingFileContent content, long offset, int length) throws Exception {
        try (InputStream in = content.open(offset)) {
            in.readNBytes(length);
        }
    }

    @Test
    void rangesReadAgainByRetriesAreHashedOnce() throws Exception {
        Path file = file(300_000);
        HashingFileContent content = new HashingFileContent(file, Files.size(file));
        read(content, 0, 100_000);
        read(content, 60_000, 100_000); // a resumed chunk overlapping what was sent
        read(content, 0, 50_000); // an upload started over
        assertThatThrownBy(content::digest).hasMessageContaining("changed while it was read (160000 of 300000 bytes)");
        read(content, 0, 300_000);
        assertThat(content.digest()).isEqualTo(Digests.sha256(Files.readAllBytes(file)));
    }

    @Test
    void hashRemainingFinishesWhatUploadsLeftUnread() throws Exception {
        Path file = file(123_457);
        HashingFileContent content = new HashingFileContent(file, Files.size(file));
        read(content, 0, 7);
        assertThat(content.hashRemaining(ProgressListener.NONE)).isEqualTo(Digests.sha256(Files.readAllBytes(file)));
    }

    @Test
    void theDigestCacheForgetsAFileThatChanged() throws Exception {
        Path file = file(1000);
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        boolean xattrs;
        try {
            view.write("amber.probe", ByteBuffer.wrap(new byte[] {1}));
            xattrs = true;
        } catch (IOException | UnsupportedOperationException e) {
            xattrs = false;
        }
        Assumptions.assumeTrue(xattrs, "the digest cache needs user extended attributes");
        String digest = Digests.sha256(Files.readAllBytes(file));
        assertThat(DigestCache.lookup(file)).isNull();
        DigestCache.remember(file, digest);
        assertThat(DigestCache.lookup(file)).isEqualTo(digest);
        Files.setLastModifiedTime(
                file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        assertThat(DigestCache.lookup(file)).isNull();
    }
}
