package dev.amber.archive.model;

/** A mount from CRIU's mountpoints image: what the restored process tree will see. */
public record MountPoint(int id, int parentId, String mountpoint, String root, String source, String fstype, String options) {}
