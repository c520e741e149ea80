package dev.amber.api.v1alpha1;

/** What deleting a Checkpoint does to what it produced. */
public enum DeletionPolicy {
    /** The archives on the node and the exported image outlive the Checkpoint (the default). */
    Retain,
    /**
     * Deleting the Checkpoint deletes its archives and its exported image first; a finalizer holds the
     * Checkpoint until they are gone.
     */
    Delete
}
