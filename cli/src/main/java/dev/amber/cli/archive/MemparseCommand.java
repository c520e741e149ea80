package dev.amber.cli.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amber.archive.Checkpoint;
import dev.amber.archive.CheckpointReader;
import dev.amber.archive.ReadPart;
import dev.amber.archive.memory.MemorySearch;
import dev.amber.archive.memory.PageConsumer;
import dev.amber.archive.memory.PageMap;
import dev.amber.archive.model.ProcessNode;
import dev.amber.cli.output.Bytes;
import dev.amber.cli.output.JsonOutput;
import dev.amber.cli.output.OutputFormat;
import dev.amber.cli.output.Progress;
import dev.amber.cli.output.Table;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "memparse",
        mixinStandardHelpOptions = true,
        description = {
            "Analyse the memory of a checkpoint's processes.",
            "Without options: a table of processes and their memory sizes.",
            "--pid N: a hexdump of that process's memory.",
            "--search / --search-regex: find text in memory (all processes, or --pid N), across page boundaries."
        })
public final class MemparseCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ARCHIVE", description = "Checkpoint archives or extracted directories.")
    List<Path> archives;

    @Option(
            names = {"-p", "--pid"},
            paramLabel = "PID",
            description = "The process to dump or search.")
    Integer pid;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the full (uncompacted) hexdump of --pid to FILE.")
    Path output;

    @Option(
            names = {"-s", "--search"},
            paramLabel = "TEXT",
            description = "Find TEXT in memory.")
    String search;

    @Option(
            names = {"-r", "--search-regex"},
            paramLabel = "REGEX",
            description = "Find matches of a Java regular expression (bytes read as ISO-8859-1).")
    String searchRegex;

    @Option(
            names = {"-c", "--context"},
            paramLabel = "N",
            defaultValue = "0",
            description = "Show N bytes before and after each match.")
    int context;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Stop after N matches (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (search != null && searchRegex != null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--search and --search-regex cannot be used together");
        }
        if (context < 0 || context > 4096) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--context must be between 0 and 4096");
        }
        if (output != null && pid == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--output needs --pid");
        }
        if ((search != null || searchRegex != null || pid != null) && archives.size() > 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--pid and --search take one archive");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (search != null || searchRegex != null) {
            return search(archives.get(0), out);
        }
        if (pid != null) {
            return hexdump(archives.get(0), out);
        }
        for (Path archive : archives) {
            sizes(archive, out);
        }
        return 0;
    }

    private void sizes(Path archive, PrintWriter out) throws IOException {
        Checkpoint c = CheckpointReader.read(archive, ReadPart.of(ReadPart.PROCESSES, ReadPart.MEMORY_MAPS));
        List<ProcessNode> processes = c.processTree().flatten().toList();
        if (format == OutputFormat.json) {
            ArrayNode rows = JsonOutput.MAPPER.createArrayNode();
            for (ProcessNode p : processes) {
                PageMap map = c.memoryMaps().get(p.pid());
                ObjectNode o = rows.addObject();
                o.put("pid", p.pid());
                o.put("process_name", p.comm());
                o.put("memory_size", map == null ? 0 : map.totalBytes());
                o.put("stored_size", map == null ? 0 : map.presentBytes());
            }
            JsonOutput.print(out, rows);
            return;
        }
        out.println();
        out.println("Displaying processes memory sizes from " + archive);
        out.println();
        Table t = new Table("PID", "PROCESS NAME", "MEMORY SIZE", "STORED IN ARCHIVE");
        for (ProcessNode p : processes) {
            PageMap map = c.memoryMaps().get(p.pid());
            t.row(
                    Integer.toString(p.pid()),
                    p.comm(),
                    Bytes.human(map == null ? 0 : map.totalBytes()),
                    Bytes.human(map == null ? 0 : map.presentBytes()));
        }
        t.print(out);
    }

    private int search(Path archive, PrintWriter out) throws IOException {
        IntPredicate pids = pid == null ? p -> true : p -> p == pid;
        MemorySearch searcher;
        try {
            searcher = search != null
                    ? MemorySearch.literal(search, pids, context, limit)
                    : MemorySearch.regex(searchRegex, pids, context, limit);
        } catch (PatternSyntaxException e) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        Checkpoint c;
        try (Progress progress = new Progress("searching memory")) {
            PageConsumer withProgress = new ProgressConsumer(searcher, progress);
            c = CheckpointReader.read(archive, ReadPart.of(ReadPart.PROCESSES), withProgress);
        }
        if (pid != null) {
            PidCheck.require(c, archive, pid);
        }
        String pattern = search != null ? search : searchRegex;
        if (format == OutputFormat.json) {
            ArrayNode rows = JsonOutput.MAPPER.createArrayNode();
            for (MemorySearch.Match m : searcher.matches()) {
                ObjectNode o = rows.addObject();
                o.put("pid", m.pid());
                o.put("address", String.format("%016x", m.address()));
                o.put("match", printable(m.matched()));
                if (context > 0) {
                    o.put("before", printable(m.before()));
                    o.put("after", printable(m.after()));
                }
            }
            JsonOutput.print(out, rows);
            return 0;
        }
        if (searcher.matches().isEmpty()) {
            out.println("No matches for pattern \"" + pattern + "\" in the memory of "
                    + (pid == null ? "any process" : "PID " + pid));
            out.flush();
            return 0;
        }
        Table t = new Table("PID", "ADDRESS", "MATCH", "INSTANCE");
        int instance = 1;
        for (MemorySearch.Match m : searcher.matches()) {
            t.row(
                    Integer.toString(m.pid()),
                    String.format("%016x", m.address()),
                    printable(m.before()) + printable(m.matched()) + printable(m.after()),
                    Integer.toString(instance++));
        }
        t.print(out);
        if (searcher.full()) {
            spec.commandLine().getErr().println("amber memparse: stopped after " + limit + " matches (--limit)");
        }
        return 0;
    }

    private int hexdump(Path archive, PrintWriter out) throws IOException {
        BufferedWriter file = output == null ? null : Files.newBufferedWriter(output);
        try {
            Hexdump dump = new Hexdump(file != null ? file : out, file == null, pid);
            if (file == null) {
                out.println();
                out.println("Displaying memory pages content for process ID " + pid + " from checkpoint: " + archive);
                out.println();
            } else {
                out.println("Writing memory pages content for process ID " + pid + " from checkpoint: " + archive
                        + " to file: " + output + "...");
            }
            out.flush();
            Checkpoint c;
            try (Progress progress = new Progress("reading memory")) {
                c = CheckpointReader.read(
                        archive, ReadPart.of(ReadPart.PROCESSES), new ProgressConsumer(dump, progress));
            }
            PidCheck.require(c, archive, pid);
            dump.finish();
        } finally {
            if (file != null) {
                file.close();
            }
        }
        return 0;
    }

    static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            s.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return s.toString();
    }

    /** Counts bytes for the progress line while passing them on. */
    private static final class ProgressConsumer implements PageConsumer {
        private final PageConsumer inner;
        private final Progress progress;
        private long bytes;

        ProgressConsumer(PageConsumer inner, Progress progress) {
            this.inner = inner;
            this.progress = progress;
        }

        @Override
        public boolean wants(int pid) {
            return inner.wants(pid);
        }

        @Override
        public List<dev.amber.archive.memory.AddressRange> ranges(int pid) {
            return inner.ranges(pid);
        }

        @Override
        public void accept(int pid, long address, byte[] buffer, int offset, int length) throws IOException {
            inner.accept(pid, address, buffer, offset, length);
            bytes += length;
            progress.update(bytes, -1);
        }

        @Override
        public void endOfProcess(int pid) throws IOException {
            inner.endOfProcess(pid);
        }
    }
}
