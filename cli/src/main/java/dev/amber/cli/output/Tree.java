package dev.amber.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A labelled tree drawn with box characters, the shape checkpointctl's inspect prints. */
public final class Tree {
    private final String label;
    private final List<Tree> children = new ArrayList<>();

    public Tree(String label) {
        this.label = label;
    }

    /** Adds and returns a child. */
    public Tree add(String childLabel) {
        Tree child = new Tree(childLabel);
        children.add(child);
        return child;
    }

    /** Adds a "key: value" child when the value is present. */
    public Tree field(String key, Object value) {
        if (value != null && !value.toString().isEmpty()) {
            add(key + ": " + value);
        }
        return this;
    }

    public void print(PrintWriter out) {
        out.println(label);
        printChildren(out, "");
        out.flush();
    }

    private void printChildren(PrintWriter out, String indent) {
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            Tree c = children.get(i);
            out.println(indent + (last ? "└── " : "├── ") + c.label);
            c.printChildren(out, indent + (last ? "    " : "│   "));
        }
    }
}
