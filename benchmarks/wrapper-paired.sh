#!/usr/bin/env bash
# Paired rounds of the wrapper against CRIU by hand with the same criu options, one pair per round,
# for the issue's "within 10 % of CRIU alone" (needs root and CRIU >= 4.2):
#   restore  one checkpoint restored again and again, alternately by amber-wrap (launcher + JVM;
#            launch until its "restored" line arrives) and by running the checkpoint's restore plan,
#            the exact criu command line, by hand (until criu returns)
#   dump     the same kind of process checkpointed by amber-wrap (SIGTERM until the wrapper exits,
#            images flushed to disk and published) and by `criu dump` by hand with the wrapper's
#            options (until criu returns, images left in the page cache)
# Each line also gives CRIU's own time from the end of its log, which shows whether CRIU itself ran
# slower beside the wrapper. The app is python3 holding SIZE MiB of random bytes.
# Usage: [BENCH_DIR=DIR] benchmarks/wrapper-paired.sh restore|dump [SIZE_MIB] [ROUNDS]
#   BENCH_DIR holds the images (default /var/tmp; /dev/shm takes the disk out of both sides).
set -euo pipefail
mode=${1:?usage: benchmarks/wrapper-paired.sh restore|dump [SIZE_MIB] [ROUNDS]}
size=${2:-256}
rounds=${3:-7}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=benchmarks/lib/wrapper.sh
. "$root/benchmarks/lib/wrapper.sh"
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/amber-paired.XXXXXX")
trap 'rm -rf "$work"' EXIT
app="import os, time; b = bytearray(os.urandom($size << 20)); print('ready', flush=True); time.sleep(1e9)"

median_of() { printf '%s\n' "$@" | median; }
# CRIU's elapsed time, from the "(SS.uuuuuu)" stamp of its log's last line, in ms.
criu_ms() { tail -1 "$1" | sed -n 's/^(\s*\([0-9]*\)\.\([0-9][0-9][0-9]\).*/\1\2/p' | sed 's/^0*//'; }

wrapped=(); by_hand=(); ratio=(); criu_wrapped=(); criu_by_hand=()
record() { # wrapped_ms by_hand_ms criu_in_wrapped_ms criu_by_hand_ms
  wrapped+=("$1"); by_hand+=("$2"); criu_wrapped+=("$3"); criu_by_hand+=("$4")
  ratio+=("$(awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}')")
}

if [ "$mode" = restore ]; then
  printf 'imageDir: %s/images\n' "$work" > "$work/config.yaml"
  "$runtime/bin/amber-wrap" run --config "$work/config.yaml" -- "$python" -c "$app" >"$work/out" 2>"$work/err" &
  wrapper=$!
  wait_ready "$work/out" 1200
  sleep 1 # the wrapper asks criu whether a restore plan is safe once the app runs
  kill -TERM "$wrapper"; wait "$wrapper"
  checkpoint=$(readlink -f "$work/images/current")
  [ -f "$checkpoint/amber-restore.argv" ] || { echo "the checkpoint has no restore plan: $(cat "$work/err")" >&2; exit 1; }
  mapfile -t plan < <(tail -n +3 "$checkpoint/amber-restore.argv")
  for _ in $(seq "$rounds"); do
    # Each restore needs the pids of the last one free: a killed tree is reaped by this machine's
    # init, which can take a second.
    sync; sleep 2
    rm -f "$work/restored-at" "$work/err2"
    s=$(now_ms)
    "$runtime/bin/amber-wrap" run --config "$work/config.yaml" -- "$python" -c "$app" >"$work/out2" \
      2> >(stamp_restored "$work/err2" "$work/restored-at") &
    wrapper=$!
    for _ in $(seq 1000); do [ -s "$work/restored-at" ] && break; sleep 0.01; done
    [ -s "$work/restored-at" ] || { cat "$work/err2" >&2; exit 1; }
    w=$(( $(cat "$work/restored-at") - s )); cw=$(criu_ms "$checkpoint/restore.log")
    pid=$(sed -n 's/.*restored .*(pid \([0-9]*\)).*/\1/p' "$work/err2")
    # The wrapper first, or it would see its app die and retire the checkpoint.
    kill -KILL "$wrapper" "$pid"; wait "$wrapper" 2>/dev/null || true
    sync; sleep 2
    s=$(now_ms); "${plan[@]}" >"$work/out3" 2>&1; h=$(( $(now_ms) - s ))
    ch=$(criu_ms "$checkpoint/restore.log")
    kill -KILL "$(cat "$checkpoint/restored.pid")"; rm -f "$checkpoint/restored.pid"
    record "$w" "$h" "$cw" "$ch"
  done
elif [ "$mode" = dump ]; then
  for _ in $(seq "$rounds"); do
    rm -rf "$work/w" "$work/c"; mkdir -p "$work/w" "$work/c"
    printf 'imageDir: %s/w/images\n' "$work" > "$work/w.yaml"
    "$runtime/bin/amber-wrap" run --config "$work/w.yaml" -- "$python" -c "$app" >"$work/w/out" 2>"$work/w/err" &
    wrapper=$!
    wait_ready "$work/w/out" 1200; sleep 0.5; sync
    s=$(now_ms); kill -TERM "$wrapper"; wait "$wrapper"; w=$(( $(now_ms) - s ))
    cw=$(criu_ms "$work/w/images/current/dump.log")
    setsid "$python" -c "$app" >"$work/c/out" 2>&1 </dev/null &
    app_pid=$!
    wait_ready "$work/c/out" 1200; sleep 0.5; sync
    s=$(now_ms)
    "$criu" dump --tree "$app_pid" --images-dir "$work/c" --log-file dump.log -v4 --shell-job --manage-cgroups=ignore
    h=$(( $(now_ms) - s )); ch=$(criu_ms "$work/c/dump.log")
    wait "$app_pid" 2>/dev/null || true
    record "$w" "$h" "$cw" "$ch"
  done
else
  echo "usage: benchmarks/wrapper-paired.sh restore|dump [SIZE_MIB] [ROUNDS]" >&2; exit 2
fi

echo "$mode ${size} MiB in ${BENCH_DIR:-/var/tmp}, $rounds rounds: wrapped $(median_of "${wrapped[@]}") ms, by hand $(median_of "${by_hand[@]}") ms," \
  "median ratio $(median_of "${ratio[@]}"); criu's own time $(median_of "${criu_wrapped[@]}") vs $(median_of "${criu_by_hand[@]}") ms" \
  "(wrapped: ${wrapped[*]}; by hand: ${by_hand[*]}; ratios: ${ratio[*]})"
