package dev.amber.image;

import java.nio.file.Path;

/** Where a pulled checkpoint archive was written, and what the image said about it. */
public record PullResult(Path archive, CheckpointImageInfo image) {}
