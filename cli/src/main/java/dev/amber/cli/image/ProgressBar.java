package dev.amber.cli.image;

import dev.amber.cli.output.Progress;
import dev.amber.image.ProgressListener;
import java.util.HashMap;
import java.util.Map;

/** Shows the library's progress reports on a terminal, one line per step, via the shared {@link Progress}. */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private final Map<String, Progress> steps = new HashMap<>();
    private Progress current;

    @Override
    public void progress(String step, long done, long total) {
        Progress p = steps.get(step);
        if (p == null) {
            if (current != null) {
                current.close();
            }
            p = new Progress(step);
            steps.put(step, p);
        }
        current = p;
        p.update(done, total);
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
