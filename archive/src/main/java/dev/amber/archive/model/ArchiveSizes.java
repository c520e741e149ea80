package dev.amber.archive.model;

/**
 * Sizes of the parts of a checkpoint, in bytes.
 *
 * @param archive the archive file as stored (compressed size for compressed archives)
 * @param checkpoint everything under {@code checkpoint/}: the CRIU images
 * @param memoryPages the {@code pages-*.img} files: process memory
 * @param rootfsDiff the {@code rootfs-diff.tar} of files the container wrote
 */
public record ArchiveSizes(long archive, long checkpoint, long memoryPages, long rootfsDiff) {}
