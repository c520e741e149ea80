package dev.amber.archive.memory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Searches process memory for a literal or a regular expression as pages stream past, finding matches
 * that span chunk and page boundaries (but not gaps between unmapped regions), each exactly once.
 *
 * <p>Memory is held in a sliding window: match starts are scanned up to {@code reach} bytes before the
 * window's end, where {@code reach} covers the longest match plus the context, so every reported match
 * and its context lie inside the window. The rest is scanned when more bytes arrive or the contiguous
 * region ends.
 */
public final class MemorySearch implements PageConsumer {
    /** Longest match a regular expression may have; a match cut there is reported at this length. */
    public static final int MAX_REGEX_MATCH = 4096;

    /** One match: where it is, the matched bytes, and the context around them. */
    public record Match(int pid, long address, byte[] matched, byte[] before, byte[] after) {
        public String matchedText() {
            return new String(matched, StandardCharsets.ISO_8859_1);
        }
    }

    private final IntPredicate pids;
    private final Finder finder;
    private final int context;
    private final int reach;
    private final List<Match> matches = new ArrayList<>();
    private final int limit;

    private byte[] window = new byte[0];
    private int windowLength;
    private long windowAddress;
    private long scannedUpTo;
    private int currentPid = -1;

    private MemorySearch(IntPredicate pids, Finder finder, int maxMatch, int context, int limit) {
        this.pids = pids;
        this.finder = finder;
        this.context = context;
        this.reach = maxMatch + context;
        this.limit = limit;
    }

    /** Finds every occurrence of {@code text} (its UTF-8 bytes). */
    public static MemorySearch literal(String text, IntPredicate pids, int context, int limit) {
        byte[] pattern = text.getBytes(StandardCharsets.UTF_8);
        if (pattern.length == 0) {
            throw new IllegalArgumentException("the search text is empty");
        }
        return new MemorySearch(pids, new LiteralFinder(pattern), pattern.length, context, limit);
    }

    /** Finds matches of {@code regex}, applied to memory bytes read as ISO-8859-1 characters. */
    public static MemorySearch regex(String regex, IntPredicate pids, int context, int limit) {
        Pattern pattern = Pattern.compile(regex);
        return new MemorySearch(pids, new RegexFinder(pattern), MAX_REGEX_MATCH, context, limit);
    }

    public List<Match> matches() {
        return matches;
    }

    /** True once {@code limit} matches were found: the rest of memory need not be searched. */
    public boolean full() {
        return matches.size() >= limit;
    }

    @Override
    public boolean wants(int pid) {
        return pids.test(pid);
    }

    @Override
    public void accept(int pid, long address, byte[] buffer, int offset, int length) {
        if (full()) {
            return;
        }
        if (pid != currentPid || address != windowAddress + windowLength) {
            flush();
            currentPid = pid;
            windowAddress = address;
            windowLength = 0;
            scannedUpTo = address;
        }
        append(buffer, offset, length);
        scan(windowAddress + windowLength - reach);
        compact();
    }

    @Override
    public void endOfProcess(int pid) {
        flush();
        currentPid = -1;
        windowLength = 0;
    }

    private void flush() {
        if (currentPid >= 0 && windowLength > 0) {
            scan(windowAddress + windowLength);
        }
    }

    /** Reports matches starting in [scannedUpTo, startLimit). */
    private void scan(long startLimit) {
        if (startLimit <= scannedUpTo) {
            return;
        }
        int from = (int) (scannedUpTo - windowAddress);
        int to = (int) (startLimit - windowAddress);
        finder.find(window, from, to, windowLength, (start, end) -> {
            if (full()) {
                return false;
            }
            int beforeStart = Math.max(0, start - context);
            int afterEnd = Math.min(windowLength, end + context);
            matches.add(new Match(
                    currentPid,
                    windowAddress + start,
                    Arrays.copyOfRange(window, start, end),
                    Arrays.copyOfRange(window, beforeStart, start),
                    Arrays.copyOfRange(window, end, afterEnd)));
            return true;
        });
        scannedUpTo = startLimit;
    }

    private void append(byte[] buffer, int offset, int length) {
        if (windowLength + length > window.length) {
            window = Arrays.copyOf(window, Math.max(window.length * 2, windowLength + length));
        }
        System.arraycopy(buffer, offset, window, windowLength, length);
        windowLength += length;
    }

    /** Drops bytes no future match or context can need. */
    private void compact() {
        long keepFrom = Math.max(windowAddress, scannedUpTo - context);
        int drop = (int) (keepFrom - windowAddress);
        if (drop > 0) {
            System.arraycopy(window, drop, window, 0, windowLength - drop);
            windowLength -= drop;
            windowAddress = keepFrom;
        }
    }

    @FunctionalInterface
    private interface MatchSink {
        /** Returns false to stop searching. */
        boolean match(int start, int end);
    }

    private interface Finder {
        /** Reports matches that start in [from, to) and end at most at {@code end}. */
        void find(byte[] data, int from, int to, int end, MatchSink sink);
    }

    /** Boyer-Moore-Horspool: skips ahead by up to the pattern's length on random memory. */
    private static final class LiteralFinder implements Finder {
        private final byte[] pattern;
        private final int[] shift = new int[256];

        LiteralFinder(byte[] pattern) {
            this.pattern = pattern;
            Arrays.fill(shift, pattern.length);
            for (int i = 0; i < pattern.length - 1; i++) {
                shift[pattern[i] & 0xff] = pattern.length - 1 - i;
            }
        }

        @Override
        public void find(byte[] data, int from, int to, int end, MatchSink sink) {
            int m = pattern.length;
            int last = m - 1;
            int i = from;
            int maxStart = Math.min(to - 1, end - m);
            byte lastByte = pattern[last];
            while (i <= maxStart) {
                byte b = data[i + last];
                if (b == lastByte && matchesAt(data, i)) {
                    if (!sink.match(i, i + m)) {
                        return;
                    }
                }
                i += shift[b & 0xff];
            }
        }

        private boolean matchesAt(byte[] data, int at) {
            for (int j = 0; j < pattern.length - 1; j++) {
                if (data[at + j] != pattern[j]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class RegexFinder implements Finder {
        private final Pattern pattern;

        RegexFinder(Pattern pattern) {
            this.pattern = pattern;
        }

        @Override
        public void find(byte[] data, int from, int to, int end, MatchSink sink) {
            Matcher m = pattern.matcher(new Latin1(data, end));
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            int pos = from;
            while (pos < to) {
                m.region(pos, Math.min(end, pos + MAX_REGEX_MATCH + (to - pos)));
                if (!m.find() || m.start() >= to) {
                    return;
                }
                int matchEnd = Math.min(m.end(), m.start() + MAX_REGEX_MATCH);
                if (!sink.match(m.start(), matchEnd)) {
                    return;
                }
                pos = m.end() > m.start() ? m.end() : m.start() + 1;
            }
        }
    }

    /** Memory bytes as characters without copying: regexes run over the window in place. */
    private record Latin1(byte[] data, int length) implements CharSequence {
        @Override
        public char charAt(int index) {
            return (char) (data[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(data, start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(data, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
