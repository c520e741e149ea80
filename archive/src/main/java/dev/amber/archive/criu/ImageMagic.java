package dev.amber.archive.criu;

import java.util.Map;

/** Magic numbers of CRIU image files: the first u32 of a file, then (for most) the image's own magic. */
final class ImageMagic {
    static final int COMMON = 0x54564319;
    static final int SERVICE = 0x55105940;
    static final int INVENTORY = 0x58313116;

    /** Expected image magic by file-name prefix; names not listed are accepted with any magic. */
    static final Map<String, Integer> BY_PREFIX = Map.ofEntries(
            Map.entry("pstree", 0x50273030),
            Map.entry("fdinfo", 0x56213732),
            Map.entry("pagemap", 0x56084025),
            Map.entry("core", 0x55053847),
            Map.entry("ids", 0x54432030),
            Map.entry("mm", 0x57492820),
            Map.entry("creds", 0x54023547),
            Map.entry("fs", 0x51403912),
            Map.entry("files", 0x56303138),
            Map.entry("tcp-stream", 0x51465506),
            Map.entry("stats", 0x57093306));

    private ImageMagic() {}

    /** "core-12.img" -> "core", "tcp-stream-1a2b.img" -> "tcp-stream", "files.img" -> "files". */
    static String prefixOf(String fileName) {
        String base = fileName.endsWith(".img") ? fileName.substring(0, fileName.length() - 4) : fileName;
        int dash = base.lastIndexOf('-');
        if (dash > 0 && base.substring(dash + 1).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return base.substring(0, dash);
        }
        return base;
    }
}
