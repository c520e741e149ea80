# shellcheck shell=bash
# Sourced by the wrapper benchmarks: the runtime (built when missing), criu, the real python3, and
# the clock and median helpers. Expects $root (the repository).
runtime=$root/wrapper/target/amber-wrap
[ -x "$runtime/bin/amber-wrap" ] || "$root/wrapper/build-runtime" >/dev/null
criu=$(command -v criu || echo /usr/local/sbin/criu)
# The real interpreter, not a version-manager shim, so the dumped tree is just the app.
python=$(python3 -c 'import sys; print(sys.executable)')

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }  # a builtin clock: no fork in the timed span

# Waits until the app writes "ready" into file $1, polling every 50 ms at most $2 times.
wait_ready() {
  for _ in $(seq "$2"); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "the app never got ready (no 'ready' in $1)" >&2
  return 1
}

# The median of the numbers on stdin.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Copies stdin (the wrapper's stderr) to $1 and writes the time its "restored" line arrived to $2, so
# the moment is taken when the line comes, not when a poll next looks.
stamp_restored() {
  local line
  while IFS= read -r line; do
    printf '%s\n' "$line" >> "$1"
    case $line in *"amber-wrap: restored"*) now_ms > "$2" ;; esac
  done
}
