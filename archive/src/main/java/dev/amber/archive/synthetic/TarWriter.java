package dev.amber.archive.synthetic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A minimal ustar writer: enough to produce archives shaped like the engines' (and hostile ones for tests). */
public final class TarWriter implements AutoCloseable {
    private final OutputStream out;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    public void file(String name, byte[] data) throws IOException {
        header(name, data.length, '0', 0644);
        out.write(data);
        pad(data.length);
    }

    public void directory(String name) throws IOException {
        header(name.endsWith("/") ? name : name + "/", 0, '5', 0755);
    }

    /** Writes a header whose name is taken as given, for tests of hostile names. */
    public void header(String name, long size, char type, int mode) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
            header("././@LongLink", longName.length, 'L', 0644);
            out.write(longName);
            pad(longName.length);
            n = Arrays.copyOf(n, 100);
        }
        System.arraycopy(n, 0, h, 0, n.length);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        out.write(h);
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % 512);
        if (rem != 0) {
            out.write(new byte[512 - rem]);
        }
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(b.length, len - 1));
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[1024]);
        out.close();
    }
}
