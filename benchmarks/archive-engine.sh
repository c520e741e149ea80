#!/usr/bin/env bash
# Times amber against checkpointctl on the same checkpoint archives (issue: archive engine).
#   benchmarks/archive-engine.sh [RUNS]
# Archives: a container holding 1 GiB of random memory (memhog), exported by Podman uncompressed
# and as zstd, and a tiny busybox counter. Each command runs RUNS times (default 3); the median wall
# time is reported with the ratio amber/checkpointctl. Needs scripts/setup-runtime to have run.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${1:-3}
work=${AMBER_BENCH_DIR:-/var/tmp/amber-bench}
mkdir -p "$work"
cctl=$("$root/scripts/lib/install-peers")
amber="$root/amber"
marker=AMBER-BENCH-TOKEN-42

"$amber" --version >/dev/null # build and train the AOT cache outside the timings
export AMBER_SKIP_BUILD=1

make_archives() {
  [ -f "$work/mem1g.tar" ] && [ -f "$work/mem1g.tar.zst" ] && [ -f "$work/tiny.tar" ] && return
  podman rm -f amber-bench-mem amber-bench-tiny >/dev/null 2>&1 || true
  podman run -d --name amber-bench-mem localhost/amber-test/busybox:latest memhog 1024 "$marker" >/dev/null
  until podman logs amber-bench-mem 2>/dev/null | grep -q "memhog 0"; do sleep 1; done
  podman container checkpoint --leave-running --compress none --export "$work/mem1g.tar" amber-bench-mem >/dev/null
  podman container checkpoint --compress zstd --export "$work/mem1g.tar.zst" amber-bench-mem >/dev/null
  podman rm -f amber-bench-mem >/dev/null
  podman run -d --name amber-bench-tiny localhost/amber-test/busybox:latest sh -c 'while :; do sleep 1; done' >/dev/null
  sleep 1
  podman container checkpoint --compress none --export "$work/tiny.tar" amber-bench-tiny >/dev/null
  podman rm -f amber-bench-tiny >/dev/null
}

# "WALL CPU": medians over RUNS runs of wall time and of CPU time (user + sys, children included)
# in seconds. Output is discarded; the first, untimed run warms the page cache. CPU time depends far
# less than wall time on what else the machine is doing.
time_cmd() {
  local walls=() cpus=() i t
  "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; echo "n/a n/a"; return; }
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$work/time.out" -f "%e %U %S" "$@" >/dev/null 2>&1
    t=$(tail -n1 "$work/time.out")
    walls+=("$(echo "$t" | awk '{print $1}')")
    cpus+=("$(echo "$t" | awk '{print $2 + $3}')")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
  echo "$(median "${walls[@]}") $(median "${cpus[@]}")"
}

make_archives
printf '| archive | command | checkpointctl wall s | amber wall s | wall ratio | checkpointctl CPU s | amber CPU s | CPU ratio |\n|---|---|---|---|---|---|---|---|\n'
row() {
  local label=$1 archive=$2 what=$3; shift 3
  local theirs ours
  case $what in
    show) theirs=$(time_cmd "$cctl" show "$archive"); ours=$(time_cmd "$amber" show "$archive") ;;
    inspect) theirs=$(time_cmd "$cctl" inspect --all "$archive"); ours=$(time_cmd "$amber" inspect --all "$archive") ;;
    memparse) theirs=$(time_cmd "$cctl" memparse "$archive"); ours=$(time_cmd "$amber" memparse "$archive") ;;
    search) theirs=$(time_cmd "$cctl" memparse --pid 1 --search "$marker" "$archive")
            ours=$(time_cmd "$amber" memparse --pid 1 --search "$marker" "$archive") ;;
  esac
  local tw tc ow oc wr=n/a cr=n/a
  read -r tw tc <<<"$theirs"
  read -r ow oc <<<"$ours"
  [[ $tw != n/a && $ow != n/a && $tw != 0.000 ]] && wr=$(printf '%.2f' "$(echo "$ow / $tw" | bc -l)")
  [[ $tc != n/a && $oc != n/a && $tc != 0.000 ]] && cr=$(printf '%.2f' "$(echo "$oc / $tc" | bc -l)")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$what" "$tw" "$ow" "$wr" "$tc" "$oc" "$cr"
}
for what in show inspect memparse search; do row "1 GiB, uncompressed" "$work/mem1g.tar" $what; done
for what in show inspect memparse search; do row "1 GiB, zstd" "$work/mem1g.tar.zst" $what; done
for what in show inspect memparse; do row "tiny (counter), uncompressed" "$work/tiny.tar" $what; done
