#!/usr/bin/env bash
# Measures what docs/benchmarks.md reports for the wrapper (needs root and CRIU >= 4.2):
#   start-up: time from launching `amber-wrap run -- date` to the wrapped command running
#   checkpoint and restore of a process holding SIZE MiB of random memory, wrapped vs plain `criu`
# Usage: [BENCH_DIR=DIR] [RUNS=N] benchmarks/wrapper.sh [SIZE_MIB...]   (default 256); builds the
# runtime first if missing. BENCH_DIR holds the images (default /var/tmp); /dev/shm takes the disk's
# writeback, which spreads identical dumps 3x on a small VM, out of the comparison.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=benchmarks/lib/wrapper.sh
. "$root/benchmarks/lib/wrapper.sh"
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/amber-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-3}


printf 'imageDir: %s/startup-images\n' "$work" > "$work/startup.yaml"
startup=(); baseline=()
for _ in $(seq 20); do
  s=$(date +%s%N); e=$(/bin/date +%s%N); baseline+=($(( (e - s) / 1000000 )))
  s=$(date +%s%N); e=$("$runtime/bin/amber-wrap" run --config "$work/startup.yaml" -- /bin/date +%s%N 2>/dev/null)
  startup+=($(( (e - s) / 1000000 )))
done
echo "startup_ms_median $(printf '%s\n' "${startup[@]}" | median) (plain exec of date: $(printf '%s\n' "${baseline[@]}" | median))"

hold="import os, time; b = bytearray(os.urandom(SIZE << 20)); print('ready', flush=True); time.sleep(1e9)"

for size in "${@:-256}"; do
  app=${hold/SIZE/$size}
  wdump=(); wrest=(); cdump=(); cdurable=(); crest=(); dump_extra=(); rest_extra=(); dump_inner=(); dump_sync=()
  wrapped_round() {
    # Wrapped: SIGTERM until the wrapper has exited (dump, publish, reap), launch until restored.
    rm -rf "$work/w"; mkdir -p "$work/w"
    printf 'imageDir: %s/w/images\n' "$work" > "$work/w.yaml"
    "$runtime/bin/amber-wrap" run --config "$work/w.yaml" -- "$python" -c "$app" >"$work/w/out" 2>"$work/w/err" &
    wpid=$!; wait_ready "$work/w/out" 600
    sync  # each dump starts with no writeback of the previous one pending
    s=$(now_ms); kill -TERM "$wpid"; wait "$wpid"; wdump+=($(( $(now_ms) - s )))
    # The wrapper's own split of the same run: its total and the criu dump inside it.
    split=$(sed -n 's/.*checkpointed .* in \([0-9]*\) ms (criu dump \([0-9]*\) ms, sync and publish \([0-9]*\) ms).*/\1 \2 \3/p' "$work/w/err")
    dump_inner+=($(echo "$split" | awk '{print $2}')); dump_sync+=($(echo "$split" | awk '{print $3}'))
    dump_extra+=($(echo "$split" | awk '{print $1 - $2 - $3}'))
    sync; s=$(now_ms)
    rm -f "$work/w/restored-at"
    "$runtime/bin/amber-wrap" run --config "$work/w.yaml" -- "$python" -c "$app" >"$work/w/out2" \
      2> >(stamp_restored "$work/w/err2" "$work/w/restored-at") &
    wpid=$!
    for _ in $(seq 1000); do [ -s "$work/w/restored-at" ] && break; kill -0 "$wpid" || { cat "$work/w/err2" >&2; exit 1; }; sleep 0.01; done
    wrest+=($(( $(cat "$work/w/restored-at") - s )))
    rest_extra+=($(sed -n 's/.*restored .* in \([0-9]*\) ms (criu restore \([0-9]*\) ms.*/\1 \2/p' "$work/w/err2" | awk '{print $1 - $2}'))
    kill -KILL "$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' "$work/w/err2" | head -1)"; wait "$wpid" || true
  }
  hand_round() {
    # By hand on the same kind of process, with the options the wrapper gives criu: criu dump, then
    # criu restore --restore-detached.
    rm -rf "$work/c"; mkdir -p "$work/c"
    setsid "$python" -c "$app" 2>/dev/null >"$work/c/out" 2>&1 </dev/null &
    cpid=$!; wait_ready "$work/c/out" 600
    sync; s=$(now_ms); "$criu" dump -t "$cpid" -D "$work/c" -o dump.log -v4 --shell-job --manage-cgroups=ignore; cdump+=($(( $(now_ms) - s )))
    # The wrapper syncs the images before publishing them; the same durability by hand:
    sync -f "$work/c"; cdurable+=($(( $(now_ms) - s )))
    wait "$cpid" 2>/dev/null || true
    sync; s=$(now_ms); "$criu" restore -D "$work/c" -o restore.log -v4 --shell-job -d --manage-cgroups=ignore --pidfile "$work/c/pid"; crest+=($(( $(now_ms) - s )))
    kill -KILL "$(cat "$work/c/pid")"
  }
  for i in $(seq "$runs"); do
    # Alternate which goes first: page-cache and writeback state carries over between rounds.
    if [ $((i % 2)) -eq 1 ]; then wrapped_round; hand_round; else hand_round; wrapped_round; fi
  done
  echo "size_mib $size wrapped_checkpoint_ms $(printf '%s\n' "${wdump[@]}" | median) criu_dump_ms $(printf '%s\n' "${cdump[@]}" | median) criu_dump_then_sync_ms $(printf '%s\n' "${cdurable[@]}" | median)" \
       "wrapped_restore_ms $(printf '%s\n' "${wrest[@]}" | median) criu_restore_ms $(printf '%s\n' "${crest[@]}" | median)" \
       "criu_dump_inside_wrapper_ms $(printf '%s\n' "${dump_inner[@]}" | median) wrapper_sync_and_publish_ms $(printf '%s\n' "${dump_sync[@]}" | median) wrapper_other_work_around_dump_ms $(printf '%s\n' "${dump_extra[@]}" | median) wrapper_work_around_criu_restore_ms $(printf '%s\n' "${rest_extra[@]}" | median)" \
       "(medians of $runs; wrapped: ${wdump[*]} / ${wrest[*]}; criu: ${cdump[*]} / ${crest[*]})"
done
