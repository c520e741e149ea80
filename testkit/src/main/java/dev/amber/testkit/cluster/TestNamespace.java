package dev.amber.testkit.cluster;

/** The namespace {@link LocalClusterExtension} created for one test class; deleted after the class. */
public record TestNamespace(String name) {}
