package dev.amber.api.v1alpha1;

/** Limits for the archives of all pods of one namespace. */
public class NamespacePolicy extends LevelPolicy {}
