package dev.amber.archive.tar;

import dev.amber.archive.ArchiveException;

/**
 * Normalises tar entry names and refuses hostile ones. Amber never extracts an archive, but names
 * with {@code ..} or an absolute path are a sign of a crafted archive: it is refused whole rather
 * than read in part.
 */
public final class EntryNames {
    private EntryNames() {}

    /** Returns the name without a leading {@code ./} or a trailing {@code /}. */
    public static String normalise(String raw) throws ArchiveException {
        if (raw.isEmpty()) {
            throw new ArchiveException("tar entry with an empty name");
        }
        if (raw.startsWith("/")) {
            throw new ArchiveException("tar entry with an absolute path: " + printable(raw));
        }
        if (raw.indexOf('\0') >= 0 || raw.indexOf('\\') >= 0) {
            throw new ArchiveException("tar entry with a forbidden character: " + printable(raw));
        }
        String name = raw;
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String part : name.split("/", -1)) {
            if (part.equals("..")) {
                throw new ArchiveException("tar entry escapes the archive with '..': " + printable(raw));
            }
        }
        return name.equals(".") ? "" : name;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.append(c < 32 || c == 127 ? '?' : (char) c));
        return b.toString();
    }
}
