/**
 * {@code amber node-state-server}: watches Nodes and tells wrapped processes whether their node
 * is going away ({@code GET /nodes/{name}}). The rules live in {@link dev.amber.nodestate.ShutdownRules}.
 */
package dev.amber.nodestate;
