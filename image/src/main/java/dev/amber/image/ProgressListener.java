package dev.amber.image;

/** Hears how far a long step has come; called from the thread doing the work, often. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (step, done, total) -> {};

    /**
     * @param step what is happening, e.g. {@code "hashing"}, {@code "uploading"}, {@code "downloading"}
     * @param done bytes done so far in this step
     * @param total bytes the step will take, or -1 when unknown
     */
    void progress(String step, long done, long total);
}
