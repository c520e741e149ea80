#!/usr/bin/env bash
# Benchmark: the operator on the local cluster (scripts/cluster), against the floor of doing the same by hand.
#   checkpoint to image  a Checkpoint with export, from `kubectl create` to Ready, for pods holding 64 and
#                        512 MiB; floor: the kubelet's checkpoint call alone (through the API server's node
#                        proxy) plus `amber image push` of that archive alone, on the same pod
#   restore              a Restore to node B until its pod runs (status.timeToRunningSeconds and wall time);
#                        floor: the same pod spec created by hand, until Running
#   footprint            the operator leader's heap (its /metrics) and both replicas' CPU time (/proc), idle and
#                        with 1,000 finished Checkpoints in the cluster
#
#   benchmarks/operator.sh [RUNS [PARTS]]   RUNS default 3; PARTS any of checkpoint,restore,footprint (default
#                                         all; restore needs checkpoint); needs root and scripts/cluster up
#
# Prints Markdown tables for docs/benchmarks.md. Times are wall-clock seconds on this one machine, where the
# nodes, the API server, the registry and both operators share 2 cores.
set -euo pipefail
# The jars as they are: ./amber would otherwise rebuild itself inside a timed run whenever a source changed.
export AMBER_SKIP_BUILD=1
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
runs=${1:-3}
parts=${2:-checkpoint,restore,footprint}
part() { [[ ",$parts," == *",$1,"* ]]; }
eval "$("$root/scripts/cluster" up)"
"$root/scripts/cluster" install-amber >&2
pki=/var/lib/amber-cluster/pki
api=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
ns=amber-bench
registry=127.0.0.1:5000
kubectl delete namespace "$ns" --ignore-not-found --wait >/dev/null
kubectl create namespace "$ns" >/dev/null
cleanup() { kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }

# pod NAME NODE MIB: a memhog pod holding MIB MiB of random memory, once it is filled.
pod() {
  kubectl -n "$ns" run "$1" --image=localhost/amber-test/busybox:latest --image-pull-policy=Never \
    --overrides="{\"spec\":{\"nodeName\":\"$2\",\"terminationGracePeriodSeconds\":1}}" \
    -- /usr/local/bin/memhog "$3" BENCHMARK >/dev/null
  kubectl -n "$ns" wait --for=condition=Ready "pod/$1" --timeout=120s >/dev/null
  until kubectl -n "$ns" logs "$1" 2>/dev/null | grep -q '^memhog'; do sleep 0.2; done
}

# checkpoint POD NAME: creates a Checkpoint with export and prints the seconds until it is Ready.
checkpoint() {
  local started
  started=$(now)
  kubectl -n "$ns" create -f - >/dev/null <<EOF
apiVersion: amber.dev/v1alpha1
kind: Checkpoint
metadata: {name: $2}
spec: {podName: $1, export: {}}
EOF
  kubectl -n "$ns" wait --for=condition=Ready "checkpoint/$2" --timeout=300s >/dev/null
  since "$started"
}

# floor POD TAG: the kubelet's checkpoint call alone, then `amber image push` of its archive alone; prints both.
floor() {
  local started answer archive dump push
  started=$(now)
  answer=$(curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" -X POST \
    "$api/api/v1/nodes/amber-node-a/proxy/checkpoint/$ns/$1/$1")
  dump=$(since "$started")
  archive=$(python3 -c "import json, sys; print(json.load(sys.stdin)['items'][0])" <<<"$answer")
  # The kubelet names the archive by its own root; this machine holds node A's under the cluster's state.
  archive=/var/lib/amber-cluster/nodes/amber-node-a/kubelet/checkpoints/$(basename "$archive")
  started=$(now)
  "$root/amber" image push --insecure "$archive" "$registry/bench/floor:$2" >/dev/null
  push=$(since "$started")
  echo "$dump $push"
}

if part checkpoint; then
echo "## Checkpoint to image ($runs runs each, median)"
echo
echo "| pod memory | Checkpoint with export, create to Ready | kubelet checkpoint alone | amber image push alone | floor (sum) | ratio | target (1.2 x floor + 1 s) |"
echo "|---|---|---|---|---|---|---|"
for mib in 64 512; do
  pod "hog-$mib" amber-node-a "$mib"
  amber_times=() dumps=() pushes=() floors=()
  for run in $(seq 1 "$runs"); do
    amber_times+=("$(checkpoint "hog-$mib" "hog-$mib-$run")")
    read -r dump push <<<"$(floor "hog-$mib" "$mib-$run")"
    dumps+=("$dump") pushes+=("$push")
    floors+=("$(python3 -c "print(f'{$dump + $push:.2f}')")")
  done
  a=$(median "${amber_times[@]}") d=$(median "${dumps[@]}") p=$(median "${pushes[@]}") f=$(median "${floors[@]}")
  echo "| $mib MiB | $a s | $d s | $p s | $f s | $(python3 -c "print(f'{$a / $f:.2f}')") | $(python3 -c "print(f'{1.2 * $f + 1:.2f}')") s |"
done
echo

fi

if part restore; then
echo "## Restore to node B (the 512 MiB checkpoint)"
echo
echo "Both timed alike: from \`kubectl create\` until \`kubectl wait\` sees the phase Running."
echo
echo "| run | Restore, create to Running | status.timeToRunningSeconds | the same pod by hand, create to Running |"
echo "|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  printf 'apiVersion: amber.dev/v1alpha1\nkind: Restore\nmetadata: {name: back-%s}\nspec: {checkpointName: hog-512-1, targetNode: amber-node-b}\n' \
    "$run" >/tmp/amber-bench-restore.yaml
  started=$(now)
  kubectl -n "$ns" create -f /tmp/amber-bench-restore.yaml >/dev/null
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Running "restore/back-$run" --timeout=300s >/dev/null
  wall=$(since "$started")
  ttr=$(kubectl -n "$ns" get restore "back-$run" -o jsonpath='{.status.timeToRunningSeconds}')
  # The same pod as the Restore made it, made by hand: its spec, pinned to node B, without the Restore's owner.
  kubectl -n "$ns" get pod "back-$run" -o json | python3 -c "
import json, sys
pod = json.load(sys.stdin)
pod['metadata'] = {'name': 'hand-$run', 'namespace': '$ns', 'labels': {'bench': 'hand'}}
pod.pop('status', None)
json.dump(pod, open('/tmp/amber-bench-hand.json', 'w'))"
  kubectl -n "$ns" delete restore "back-$run" --wait >/dev/null
  started=$(now)
  kubectl create -f /tmp/amber-bench-hand.json >/dev/null
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Running "pod/hand-$run" --timeout=300s >/dev/null
  hand=$(since "$started")
  kubectl -n "$ns" delete pod "hand-$run" --wait >/dev/null
  echo "| $run | $wall s | $ttr s | $hand s |"
done
echo
fi

# The operators' CPU time in clock ticks (utime + stime of every amber operator JVM on this machine).
operator_ticks() {
  local total=0 pid
  for pid in $(pgrep -f 'amber.jar operator'); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
leader_heap() {
  local holder ip
  holder=$(kubectl -n amber-system get lease amber-operator -o jsonpath='{.spec.holderIdentity}')
  ip=$(kubectl -n amber-system get pod "$holder" -o jsonpath='{.status.podIP}')
  curl -sf "http://$ip:8081/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%.0f", s / 1048576}'
}
window() { # CPU seconds of both operators over 60 s, and the leader's heap in MiB at its end
  local before after
  before=$(operator_ticks); sleep 60; after=$(operator_ticks)
  echo "$(python3 -c "print(f'{($after - $before) / $(getconf CLK_TCK):.2f}')") $(leader_heap)"
}

part footprint || exit 0
echo "## Operator footprint"
echo
echo "| state | CPU s in 60 s (both replicas) | leader heap used (MiB) |"
echo "|---|---|---|"
kubectl -n "$ns" delete checkpoints --all --wait >/dev/null
read -r cpu heap <<<"$(window)"
echo "| idle, no Checkpoint | $cpu | $heap |"
python3 - "$ns" >/tmp/amber-bench-1000.yaml <<'EOF'
import sys
for i in range(1000):
    print(f"---\napiVersion: amber.dev/v1alpha1\nkind: Checkpoint\nmetadata: {{name: many-{i}, namespace: {sys.argv[1]}}}\nspec: {{podName: no-such-pod-{i}}}")
EOF
started=$(now)
kubectl create -f /tmp/amber-bench-1000.yaml >/dev/null
until [ "$(kubectl -n "$ns" get checkpoints -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -c Failed)" -ge 1000 ]; do
  sleep 1
done
echo "| 1,000 Checkpoints created and finished (all PodNotFound) in $(since "$started") s | | $(leader_heap) |"
read -r cpu heap <<<"$(window)"
echo "| idle, 1,000 finished Checkpoints | $cpu | $heap |"
