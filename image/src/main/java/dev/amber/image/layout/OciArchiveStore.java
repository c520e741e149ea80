package dev.amber.image.layout;

import dev.amber.archive.tar.TarEntry;
import dev.amber.archive.tar.TarIndex;
import dev.amber.image.BlobContent;
import dev.amber.image.ImageException;
import dev.amber.image.ImageStore;
import dev.amber.image.ProgressListener;
import dev.amber.image.oci.Descriptor;
import dev.amber.image.oci.Digests;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An OCI image layout in one tar file ({@code oci-archive:} in skopeo's terms), for carrying checkpoints
 * where no registry reaches.
 *
 * <p>Writing streams each blob straight into the tar as it is stored (one write of the layer, no staging
 * directory) and adds {@code index.json} and {@code oci-layout} on close; the file appears under its name
 * only then, and only if a manifest was stored. Reading indexes the tar's headers and reads blobs in place.
 */
public final class OciArchiveStore implements ImageStore {
    private final Path file;
    private final Path partial;
    private final OutputStream out;
    private final Set<String> written = new HashSet<>();
    private final LayoutIndex writeIndex = LayoutIndex.empty();
    private boolean manifestStored;

    private final FileChannel channel;
    private final Map<String, TarEntry> entries;

    private OciArchiveStore(
            Path file, Path partial, OutputStream out, FileChannel channel, Map<String, TarEntry> entries) {
        this.file = file;
        this.partial = partial;
        this.out = out;
        this.channel = channel;
        this.entries = entries;
    }

    /** A new archive that replaces {@code file} when it is closed after a successful push. */
    public static OciArchiveStore create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new ImageException("cannot write " + file + ": " + dir + " is not a directory");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20);
        return new OciArchiveStore(file, partial, out, null, null);
    }

    /** An existing archive, for reading. */
    public static OciArchiveStore open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ImageException(file + ": no such OCI archive");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            Map<String, TarEntry> entries = new HashMap<>();
            for (TarEntry e : TarIndex.scan(channel)) {
                entries.put(e.name(), e);
            }
            if (!entries.containsKey("index.json")) {
                throw new ImageException(file + " is not an OCI archive (no index.json)");
            }
            return new OciArchiveStore(file, null, null, channel, entries);
        } catch (IOException e) {
            channel.close();
            if (e instanceof ImageException) {
                throw e;
            }
            throw new ImageException(file + " is not an OCI archive: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "OCI archive " + file;
    }

    private static String blobName(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    @Override
    public boolean hasBlob(Descriptor blob) {
        if (out != null) {
            return written.contains(blob.digest());
        }
        TarEntry e = entries.get(blobName(blob.digest()));
        return e != null && e.size() == blob.size();
    }

    @Override
    public void putBlob(Descriptor blob, BlobContent content, ProgressListener progress) throws IOException {
        requireWritable();
        out.write(TarBlocks.fileHeader(blobName(blob.digest()), blob.size(), now()));
        try (InputStream in = content.open(0)) {
            OciLayoutStore.copyChecked(in, new NonClosing(out), blob, "writing", progress);
        }
        out.write(new byte[TarBlocks.padding(blob.size())]);
        written.add(blob.digest());
    }

    @Override
    public String putManifest(String tag, byte[] manifest, String mediaType) throws IOException {
        requireWritable();
        String digest = Digests.sha256(manifest);
        putBlob(
                new Descriptor(mediaType, digest, manifest.length),
                BlobContent.ofBytes(manifest),
                ProgressListener.NONE);
        writeIndex.tag(tag, mediaType, digest, manifest.length);
        manifestStored = true;
        return digest;
    }

    private void requireWritable() {
        if (out == null) {
            throw new IllegalStateException(file + " was opened for reading");
        }
    }

    @Override
    public FetchedManifest getManifest(String reference) throws IOException {
        LayoutIndex index = LayoutIndex.parse(read(entries.get("index.json")), describe());
        LayoutIndex.Entry entry = index.find(reference, describe());
        byte[] bytes = getSmallBlob(new Descriptor(entry.mediaType(), entry.digest(), entry.size()));
        return new FetchedManifest(bytes, entry.mediaType(), entry.digest());
    }

    @Override
    public byte[] getSmallBlob(Descriptor blob) throws IOException {
        TarEntry e = blobEntry(blob);
        if (e.size() > 16 << 20) {
            throw new ImageException("blob " + blob.digest() + " is too large for a manifest or config");
        }
        byte[] data = read(e);
        if (!Digests.sha256(data).equals(blob.digest())) {
            throw new ImageException("blob " + blob.digest() + " in " + describe() + " does not match its digest");
        }
        return data;
    }

    @Override
    public void getBlob(Descriptor blob, Path target, ProgressListener progress) throws IOException {
        TarEntry e = blobEntry(blob);
        channel.position(e.dataOffset());
        InputStream in = new FilterInputStream(Channels.newInputStream(channel)) {
            private long left = e.size();

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }

            @Override
            public void close() {
                // the channel stays open for further reads
            }
        };
        try (OutputStream o = Files.newOutputStream(target)) {
            OciLayoutStore.copyChecked(in, o, blob, "copying", progress);
        }
    }

    private TarEntry blobEntry(Descriptor blob) throws ImageException {
        TarEntry e = entries.get(blobName(blob.digest()));
        if (e == null) {
            throw new ImageException(describe() + " lacks blob " + blob.digest());
        }
        return e;
    }

    private byte[] read(TarEntry e) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) e.size());
        long position = e.dataOffset();
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new ImageException(describe() + " is truncated inside " + e.name());
            }
            position += n;
        }
        return buffer.array();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            return;
        }
        try {
            if (manifestStored) {
                for (var member :
                        new Object[][] {{"oci-layout", LayoutIndex.OCI_LAYOUT}, {"index.json", writeIndex.toJson()}}) {
                    byte[] data = (byte[]) member[1];
                    out.write(TarBlocks.fileHeader((String) member[0], data.length, now()));
                    out.write(data);
                    out.write(new byte[TarBlocks.padding(data.length)]);
                }
                out.write(new byte[2 * TarBlocks.BLOCK]);
            }
            out.close();
            if (manifestStored) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Lets a copy close its stream without closing the tar under it. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
