package dev.amber.archive.model;

/** CRIU's dump statistics; times in microseconds. */
public record DumpStatistics(
        long freezingTime,
        long frozenTime,
        long memdumpTime,
        long memwriteTime,
        long pagesScanned,
        long pagesSkippedParent,
        long pagesWritten,
        long pagesLazy) {}
