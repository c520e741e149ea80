package dev.amber.testkit.crio;

/**
 * A pod sandbox in the test CRI-O, named as the kubelet would have named it.
 *
 * @param id the sandbox id CRI-O gave it
 */
public record CrioPod(String id, String name, String namespace, String uid) {}
