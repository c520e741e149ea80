/**
 * Checkpoint archives as OCI images: {@link dev.amber.image.CheckpointImages} pushes an archive as an
 * image that CRI-O, containerd and Podman restore, pulls the archive back, and inspects an image from its
 * manifest and config alone. The CLI ({@code amber image}), the node agent (retention's export rule) and
 * the operator all call that class; {@link dev.amber.image.ImageStores} is the seam where tests put an
 * {@link dev.amber.image.layout.OciLayoutStore} on a temporary directory instead of a registry.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>An own OCI distribution client on {@code java.net.http}, not the ORAS Java SDK 0.7.0 or Jib.</b>
 *       Jib cannot set manifest annotations, which is the whole contract with the runtimes. ORAS can, but
 *       it is built for artifacts: it hashes and uploads in its own passes, gives no control over chunk
 *       size, resume after a dropped connection or progress, and brings its own JSON and HTTP stacks. The
 *       client here ({@link dev.amber.image.registry.RegistryStore}) is a few hundred lines: chunked
 *       upload ({@code POST}, {@code PATCH} with {@code Content-Range}, {@code PUT ?digest=}), resume from
 *       the offset the upload's status reports, {@code HEAD} to skip blobs the registry has, the bearer
 *       token challenge, credentials from the Podman/Docker auth files with Docker's credential helpers
 *       ({@code credHelpers}, {@code credsStore}) and identity tokens ({@link dev.amber.image.registry.AuthFiles},
 *       {@link dev.amber.image.registry.CredentialHelper}), TLS with per-registry CAs and client
 *       certificates from {@code certs.d} as Podman and Docker keep them
 *       ({@link dev.amber.image.registry.RegistryTls}), and downloads resumed with {@code Range}.</li>
 *   <li><b>The archive is the layer, as it is.</b> A kubelet (or {@code --compress none}) archive is an
 *       uncompressed tar and becomes an {@code application/vnd.oci.image.layer.v1.tar} layer; Podman's
 *       zstd and gzip archives become {@code tar+zstd} and {@code tar+gzip} layers. Nothing is re-tarred,
 *       copied or recompressed: Podman 4.3 (containers/image) pulls and restores images with {@code tar},
 *       {@code tar+gzip} and {@code tar+zstd} layers (PodmanRestoreTest), containerd 2.3 restores a pod on
 *       another node from the {@code tar} layer of a kubelet archive (the cluster acceptance test), CRI-O
 *       pulls with the same containers/image code as Podman, and containerd has unpacked zstd since 1.5.
 *       The config's {@code rootfs.diff_ids} must be the sha256 of the
 *       <em>uncompressed</em> tar, so a compressed archive is decompressed once, in a thread beside the
 *       upload ({@link dev.amber.image.LayerDigests}).</li>
 *   <li><b>Hash while uploading, one read of the file.</b> The digest is only needed by the final
 *       {@code PUT ?digest=}, so the bytes read for each chunk are hashed as they are sent
 *       ({@link dev.amber.image.HashingFileContent}; a retried range is not hashed twice). Hashing first
 *       would cost a second full read and, on this machine, double the time. What hashing first would buy,
 *       a {@code HEAD} that skips a layer the registry already has, comes from a cache instead: the digest
 *       is kept in the archive's {@code user.amber.sha256} extended attribute (valid while size and mtime
 *       match), so a repeated push of the same archive asks the registry first and sends nothing.</li>
 *   <li><b>Annotations of all three engines</b> at the manifest's top level
 *       ({@link dev.amber.image.CheckpointAnnotations}): CRI-O's
 *       {@code io.kubernetes.cri-o.annotations.checkpoint.*}, the {@code org.criu.checkpoint.*} set
 *       containerd and checkpointctl read, and Podman's {@code io.podman.annotations.checkpoint.*}, each
 *       filled from the archive's {@code config.dump} and {@code spec.dump}. Amber adds the uncompressed
 *       size of a compressed layer so {@code inspect} can tell it without pulling.</li>
 *   <li><b>No tag points at half an image.</b> Blobs go first; before the manifest is put, every blob is
 *       confirmed with {@code HEAD}; the manifest (the only thing that creates the tag) goes last. Layout
 *       stores write blobs under temporary names and {@code index.json} last; an {@code oci-archive} file
 *       appears under its name only when complete.</li>
 *   <li><b>Air-gapped moves use skopeo's transport names</b>: {@code oci:DIR[:TAG]} for an OCI image
 *       layout directory and {@code oci-archive:FILE[:TAG]} for the same in one tar, so
 *       {@code skopeo copy oci-archive:ckpt.tar docker://...} carries an image amber wrote and vice versa.</li>
 * </ul>
 */
package dev.amber.image;
