package dev.amber.operator.checkpoint;

/**
 * Why a resource failed: {@code reason} is one CamelCase word for machines (a condition's reason, an
 * Event's reason, a metric label), {@code message} one line for a person.
 */
public record Failure(String reason, String message) {}
