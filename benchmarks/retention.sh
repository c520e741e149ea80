#!/usr/bin/env bash
# Node agent and retention benchmark (issue 5).
#   benchmarks/retention.sh [ARCHIVES] [SAMPLES]
# Makes ARCHIVES (default 100000) kubelet/CRI-O-layout archives (real tars with config.dump and
# spec.dump, about 5 KB each) for 1000 pods in 20 namespaces, then measures:
#   1. a cold agent start (no index: every archive's metadata is read) and a warm one (index present)
#      that applies a changed policy: `amber agent --once` prints its own split, the script the wall time;
#   2. `amber retention apply --dry-run` on the same directory (no persistent index);
#   3. SAMPLES (default 20) new archives dropped into the directory of a running agent: the agent logs,
#      per archive, the time from "complete" (size stable for the debounce) to policies applied.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
count=${1:-100000}
samples=${2:-20}
work=${AMBER_BENCH_DIR:-/var/tmp/amber-bench-retention}
amber=${AMBER:-$root/amber}
dir=$work/checkpoints-$count
state=$work/state-$count
mkdir -p "$work"

"$amber" --version >/dev/null # build outside the timings
export AMBER_SKIP_BUILD=1

# One archive per file, written with Python's tarfile (a real tar reader reads them), CRI-O layout.
make_archive_py='
import io, json, os, sys, tarfile, time
def archive(path, ns, pod, ctr, when, mtime):
    spec = {"ociVersion": "1.0.2", "annotations": {"io.container.manager": "cri-o",
        "io.kubernetes.cri-o.Metadata": json.dumps({"name": ctr}), "io.kubernetes.pod.name": pod,
        "io.kubernetes.pod.namespace": ns, "io.kubernetes.pod.uid": "uid-" + pod}}
    config = {"id": "c0ffee", "name": ctr, "rootfsImageName": "registry.example/app:1", "runtime": "runc",
        "createdTime": when, "checkpointedTime": when}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in (("config.dump", json.dumps(config).encode()), ("spec.dump", json.dumps(spec).encode()),
                           ("checkpoint/inventory.img", bytes(32)), ("checkpoint/pages-1.img", bytes(2048))):
            info = tarfile.TarInfo(name); info.size = len(data); info.mtime = mtime; info.mode = 0o600
            t.addfile(info, io.BytesIO(data))
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path))
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
    os.chmod(tmp, 0o600)
    os.utime(tmp, (mtime, mtime))
    os.rename(tmp, path)  # complete the moment it appears, as a copy tool would leave it
def name(ns, pod, ctr, when):
    return "checkpoint-%s_%s-%s-%s.tar" % (pod, ns, ctr, when)
'

if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir" "$state"; mkdir -p "$dir"
  echo "making $count archives in $dir ..." >&2
  python3 - "$dir" "$count" <<PY
$make_archive_py
d, n = sys.argv[1], int(sys.argv[2])
base = 1763700000
for i in range(n):
    pod = i % 1000; ns = "ns-%d" % (pod % 20); k = i // 1000
    t = base + k * 60 + pod
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    archive(os.path.join(d, name(ns, "pod-%d" % pod, "app", when)), ns, "pod-%d" % pod, "app", when, t)
open(os.path.join(d, ".complete"), "w").close()
PY
fi

per_pod=$((count / 1000))
keep_all=$work/keep-all.yaml
change=$work/change.yaml
printf 'applyPoliciesImmediately: true\nglobalPolicy: {maxCheckpointsPerContainer: %d, maxCheckpointsPerPod: %d, maxCheckpointsPerNamespace: %d}\n' \
  "$count" "$count" "$count" > "$keep_all"
# The change: half of each container's archives over the limit, a tighter namespace, an age limit.
cat > "$change" <<YAML
applyPoliciesImmediately: true
globalPolicy: {maxCheckpointsPerContainer: $((per_pod / 2)), maxCheckpointsPerPod: $count, maxCheckpointsPerNamespace: $count, maxAge: 3650d}
namespacePolicies: [{namespace: ns-3, maxCheckpoints: 10}]
YAML

wall() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); printf 'wall %.2f s\n' "$(echo "$e - $s" | bc -l)"; }
quiet() { "$@" >/dev/null; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "== cold start: no index, $count archives read" >&2
rm -rf "$state"
wall "$amber" agent --once --listen none --dry-run --dir "$dir" --state-dir "$state" --policy-file "$keep_all" 2>/dev/null
echo "== warm start with a changed policy (index present), 3 runs each: default JIT, then C1 only (as the DaemonSet runs)" >&2
for opts in "" "" "" -XX:TieredStopAtLevel=1 -XX:TieredStopAtLevel=1 -XX:TieredStopAtLevel=1; do
  echo "JAVA_TOOL_OPTIONS=$opts"
  JAVA_TOOL_OPTIONS=$opts wall "$amber" agent --once --listen none --dry-run --dir "$dir" --state-dir "$state" --policy-file "$change" 2>/dev/null
done
echo "== amber retention apply --dry-run (no persistent index)" >&2
wall quiet "$amber" retention apply --dry-run --format json --dir "$dir" --policy "$change"

echo "== latency: $samples new archives into a running agent (debounce 100ms), then a policy change (dry run)" >&2
log=$work/agent.log
policy=$work/running-policy.yaml
cp "$keep_all" "$policy"
"$amber" agent --listen none --dry-run --dir "$dir" --state-dir "$state" --policy-file "$policy" >"$log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null || true' EXIT
until grep -q "indexed .* archives" "$log"; do sleep 0.2; done
python3 - "$dir" "$samples" <<PY
$make_archive_py
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    t = int(time.time())
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)).replace("Z", ".%03dZ" % i)
    archive(os.path.join(d, name("ns-new", "pod-new", "app", when)), "ns-new", "pod-new", "app", when, time.time())
    time.sleep(0.3)
PY
sleep 1
for _ in 1 2 3; do
  cp "$change" "$policy.tmp" && mv "$policy.tmp" "$policy"; sleep 3
  cp "$keep_all" "$policy.tmp" && mv "$policy.tmp" "$policy"; sleep 3
done
kill "$agent"; wait "$agent" 2>/dev/null || true
trap - EXIT
# Clean up the new archives so the next run starts from the same directory.
rm -f "$dir"/checkpoint-pod-new_ns-new-app-*.tar
# Median and maximum of one column of the agent's "policies applied ..." lines.
summary() {
  grep -o "policies applied [0-9]* ms after it was complete, [0-9]* ms after its last write" "$log" |
    awk -v f="$1" '{print $f}' | sort -n | awk '{v[NR]=$1} END {printf "median %d ms, max %d ms (%d samples)", v[int((NR+1)/2)], v[NR], NR}'
}
echo "after complete: $(summary 3); after last write (includes the debounce): $(summary 9)"
echo "policy changes in the running agent:"
grep -o "policy applied to [0-9]* archives in [0-9]* ms.*" "$log" | tail -n +2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
