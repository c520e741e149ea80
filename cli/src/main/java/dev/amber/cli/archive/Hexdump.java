package dev.amber.cli.archive;

import dev.amber.archive.memory.PageConsumer;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/**
 * Writes memory as a hexdump while it streams past. In compact form, runs of identical rows collapse to
 * "*"; rows are compared byte for byte (checkpointctl compares their ASCII column, which merges rows
 * that differ only in unprintable bytes).
 */
final class Hexdump implements PageConsumer {
    private static final int ROW = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Writer out;
    private final boolean compact;
    private final int pid;
    private final byte[] previous = new byte[ROW];
    private boolean havePrevious;
    private boolean inRepeat;
    private long expected = -1;
    private boolean headerWritten;
    private final StringBuilder line = new StringBuilder(100);

    Hexdump(Writer out, boolean compact, int pid) {
        this.out = out;
        this.compact = compact;
        this.pid = pid;
    }

    @Override
    public boolean wants(int p) {
        return p == pid;
    }

    @Override
    public void accept(int p, long address, byte[] buffer, int offset, int length) throws IOException {
        if (!headerWritten) {
            out.write("Address           Hexadecimal                                       ASCII\n");
            out.write("-------------------------------------------------------------------------------------\n");
            headerWritten = true;
        }
        if (address != expected) {
            havePrevious = false; // a gap: the next row is not a repeat of the last one
            inRepeat = false;
        }
        for (int i = 0; i < length; i += ROW) {
            int n = Math.min(ROW, length - i);
            long rowAddress = address + i;
            if (compact
                    && n == ROW
                    && havePrevious
                    && Arrays.equals(buffer, offset + i, offset + i + ROW, previous, 0, ROW)) {
                if (!inRepeat) {
                    out.write("*\n");
                    inRepeat = true;
                }
                continue;
            }
            inRepeat = false;
            writeRow(rowAddress, buffer, offset + i, n);
            System.arraycopy(buffer, offset + i, previous, 0, n);
            havePrevious = n == ROW;
        }
        expected = address + length;
    }

    private void writeRow(long address, byte[] b, int off, int n) throws IOException {
        line.setLength(0);
        String a = Long.toHexString(address);
        line.append("0".repeat(Math.max(0, 16 - a.length()))).append(a).append("  ");
        for (int i = 0; i < ROW; i++) {
            if (i < n) {
                int v = b[off + i] & 0xff;
                line.append(HEX[v >>> 4]).append(HEX[v & 15]).append(' ');
            } else {
                line.append("   ");
            }
        }
        line.append('|');
        for (int i = 0; i < n; i++) {
            byte v = b[off + i];
            line.append(v >= 32 && v < 127 ? (char) v : '.');
        }
        line.append("|\n");
        out.write(line.toString());
    }

    void finish() throws IOException {
        out.flush();
    }
}
