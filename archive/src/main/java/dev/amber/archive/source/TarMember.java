package dev.amber.archive.source;

import dev.amber.archive.tar.TarEntry;
import java.io.InputStream;
import java.util.function.Supplier;

/** An archive entry that is a tar member, read either through a stream or at its offset. */
record TarMember(TarEntry tar, Supplier<InputStream> opener, RandomAccessData random) implements ArchiveEntry {

    @Override
    public String name() {
        return tar.name();
    }

    @Override
    public long size() {
        return tar.size();
    }

    @Override
    public boolean isRegularFile() {
        return tar.isRegularFile();
    }

    @Override
    public long modifiedEpochSeconds() {
        return tar.modifiedEpochSeconds();
    }

    @Override
    public InputStream open() {
        return opener.get();
    }

    @Override
    public RandomAccessData randomAccess() {
        return random;
    }
}
