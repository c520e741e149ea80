#!/usr/bin/env bash
# Benchmark: the time to get a 1 GiB checkpoint archive into a local registry as a checkpoint image.
#   amber image push                    (the archive is the layer; hash, then upload)
#   the documented buildah recipe       (from scratch, add, config --annotation, commit, push)
#   podman checkpoint --create-image    (+ podman push; includes CRIU's dump, measured separately too)
# against the floor of one read of the file plus its SHA-256 (sha256sum).
#
#   benchmarks/image-push.sh [MEBIBYTES]     default 1024; needs root, scripts/setup-runtime done
#   AMBER="java -jar /path/amber.jar" benchmarks/image-push.sh   measure a given build instead of ./amber
#
# Every tool pushes into an empty registry (fresh storage), with the archive in the page cache,
# so the numbers compare the tools, not the disk. Prints a Markdown table for docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mib=${1:-1024}
image=localhost/amber-test/busybox:latest
work=$(mktemp -d /var/tmp/amber-bench-image.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
registry=127.0.0.1:$port
registry_pid=
ctr=bench-image-$$
read -r -a amber <<<"${AMBER:-$root/amber}"
podman_img=localhost/bench-image-podman-$$

cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  podman rm --force --ignore -t 0 "$ctr" >/dev/null 2>&1 || true
  podman rm --force --ignore -t 0 "$ctr-2" >/dev/null 2>&1 || true
  podman image rm -f "$podman_img" >/dev/null 2>&1 || true
  buildah rm --all >/dev/null 2>&1 || true
  buildah rmi -f bench-image-buildah >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=lib/registry.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/registry.sh"

# Runs "$@" and prints "WALL CPU REGISTRY_CPU" in seconds: wall-clock time, the CPU time of the command
# and its children, and the CPU time the registry spent meanwhile. CPU times depend far less than
# wall-clock on what else the machine runs.
timed() {
  local before after
  before=$(registry_cpu)
  local TIMEFORMAT='%R %U %S'
  { time "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; } 2>"$work/time.txt"
  after=$(registry_cpu)
  awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" '{ printf "%.2f %.2f %.2f", $1, $2 + $3, (a - b) / hz }' "$work/time.txt"
}

# utime + stime of the registry process, in clock ticks (0 when none runs).
registry_cpu() {
  if [ -n "$registry_pid" ] && [ -r "/proc/$registry_pid/stat" ]; then
    awk '{ print $14 + $15 }' "/proc/$registry_pid/stat"
  else
    echo 0
  fi
}

memhog_container() {
  podman run -d --name "$1" "$image" memhog "$mib" BENCHMARKER >/dev/null
  for _ in $(seq 600); do podman logs "$1" 2>/dev/null | grep -q 'memhog 0' && return 0; sleep 0.2; done
  echo "memhog did not start" >&2; exit 1
}

buildah_recipe() {
  local c
  c=$(buildah from scratch)
  buildah add "$c" "$work/checkpoint.tar" /
  buildah config --annotation "io.kubernetes.cri-o.annotations.checkpoint.name=$ctr" "$c"
  buildah commit "$c" bench-image-buildah
  buildah rm "$c"
  buildah push --tls-verify=false bench-image-buildah "docker://$registry/bench/buildah:1"
}

podman_create_image() {
  podman container checkpoint --create-image "$podman_img" "$ctr-2"
  podman push --tls-verify=false "$podman_img" "docker://$registry/bench/podman:1"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "making a ${mib} MiB checkpoint archive ..." >&2
memhog_container "$ctr"
export_s=$(timed podman container checkpoint --compress none --export "$work/checkpoint.tar" "$ctr")
size=$(stat -c %s "$work/checkpoint.tar")
"${amber[@]}" --version >/dev/null   # build amber now, not inside a measurement
cat "$work/checkpoint.tar" >/dev/null # page cache warm for every tool alike
# Each tool starts with no writeback pending: the export just dirtied 1 GiB, and each push writes 1 GiB
# of registry storage. Without this the first tool measured (amber) paid for the export's writeback.
settle() { sync; }

settle
sha_s=$(timed sha256sum "$work/checkpoint.tar")
start_registry; settle
amber_s=$(timed "${amber[@]}" image push --insecure "$work/checkpoint.tar" "$registry/bench/amber:1")
settle
amber_again_s=$(timed "${amber[@]}" image push --insecure "$work/checkpoint.tar" "$registry/bench/amber:2")
start_registry; settle
buildah_s=$(timed buildah_recipe)
memhog_container "$ctr-2"
start_registry; settle
podman_s=$(timed podman_create_image)

echo "| what | wall s | CPU s (tool) | CPU s (registry) | wall vs buildah recipe |"
echo "|---|---|---|---|---|"
row() {
  local wall cpu reg
  read -r wall cpu reg <<<"$2"
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$wall" "$cpu" "$reg" "$(awk -v a="$wall" -v b="${buildah_s%% *}" 'BEGIN { printf "%.2f", a / b }')"
}
row "\`sha256sum\` of the archive (the floor)" "$sha_s"
row "\`amber image push\`" "$amber_s"
row "\`amber image push\` again to a new tag (digest from the xattr cache, HEAD finds the layer, config and manifest only)" "$amber_again_s"
row "buildah recipe (from scratch, add, config --annotation, commit, push)" "$buildah_s"
row "\`podman container checkpoint --create-image\` + \`podman push\` (includes the CRIU dump)" "$podman_s"
row "(\`podman container checkpoint --export\` alone, the dump part of the row above)" "$export_s"
echo
echo "archive: $size bytes (uncompressed tar, as the kubelet writes them); $(nproc) cores; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
