package dev.amber.kube.agent;

/**
 * Checkpoint one container of a pod on the agent's node and, if {@code export} is set, push the archive
 * as a checkpoint image.
 *
 * @param id chosen by the caller and stable across its restarts (the operator uses the Checkpoint's
 *     uid and the container's name); the agent keeps one operation per id
 * @param timeoutSeconds given to the kubelet's checkpoint call
 * @param export null when the archive stays on the node only
 */
public record CheckpointRequest(
        String id, String namespace, String pod, String container, int timeoutSeconds, ExportTarget export) {

    /**
     * Where the archive is pushed.
     *
     * @param reference {@code registry/repository:tag}
     * @param plainHttp the registry speaks HTTP, not TLS (a local registry)
     * @param dockerConfigJson the content of a {@code kubernetes.io/dockerconfigjson} Secret, or null
     *     for anonymous pushes; sent over the agent's TLS connection, never logged
     */
    public record ExportTarget(String reference, boolean plainHttp, String dockerConfigJson) {
        @Override
        public String toString() {
            return "ExportTarget[reference=" + reference + ", plainHttp=" + plainHttp
                    + (dockerConfigJson == null ? "" : ", credentials=<hidden>") + "]";
        }
    }
}
