#!/usr/bin/env bash
# Benchmark: does Debian's docker-registry ingest a blob faster in one request than in chunks?
# The same random blob goes into fresh registry storage three ways, with curl as the client:
#   chunked   POST, then PATCHes of CHUNK MiB each with Content-Range, then PUT ?digest=  (amber's way),
#             once for each chunk size given
#   one-patch POST, one PATCH of the whole blob, PUT ?digest=
#   monolithic POST, then PUT ?digest= carrying the whole blob                       (needs the digest first)
# Reports wall-clock time and the registry's CPU time per upload; runs the three in turn RUNS times.
#
#   benchmarks/registry-ingest.sh [MEBIBYTES [RUNS [CHUNK_MIB...]]]     defaults 1024 3 64; needs docker-registry, curl
set -euo pipefail
mib=${1:-1024}
runs=${2:-3}
shift 2 || true
chunk_sizes=("${@:-64}")
work=$(mktemp -d /var/tmp/amber-bench-ingest.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
registry=127.0.0.1:$port
registry_pid=

cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=lib/registry.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/registry.sh"

registry_ticks() { awk '{ print $14 + $15 }' "/proc/$registry_pid/stat"; }

start_upload() {
  curl -sf -o /dev/null -D - -X POST "http://$registry/v2/bench/blob/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1) == "location" { print $2 }'
}

location_of() { tr -d '\r' <"$1" | awk -F': ' 'tolower($1) == "location" { print $2 }'; }

finish() { # LOCATION -> PUT ?digest= with no body; must answer 201
  local sep='?'; [[ $1 == *\?* ]] && sep='&'
  test "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Length: 0' "$1${sep}digest=$digest")" = 201
}

chunked() { # CHUNK_MIB
  local loc offset=0 part len
  loc=$(start_upload)
  for part in "$work/chunks-$1"/*; do
    len=$(stat -c %s "$part")
    curl -sf -o /dev/null -D "$work/h" -X PATCH -H 'Content-Type: application/octet-stream' \
      -H "Content-Range: $offset-$((offset + len - 1))" -T "$part" "$loc"
    loc=$(location_of "$work/h")
    offset=$((offset + len))
  done
  finish "$loc"
}

one_patch() {
  local loc
  loc=$(start_upload)
  curl -sf -o /dev/null -D "$work/h" -X PATCH -H 'Content-Type: application/octet-stream' -T "$work/blob" "$loc"
  finish "$(location_of "$work/h")"
}

monolithic() {
  local loc sep='?'
  loc=$(start_upload)
  [[ $loc == *\?* ]] && sep='&'
  test "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/octet-stream' -T "$work/blob" "$loc${sep}digest=$digest")" = 201
}

measure() { # MODE [ARG] -> sets result to "WALL REGISTRY_CPU" (no subshell: the registry's pid must survive)
  start_registry
  local before after t0 t1
  before=$(registry_ticks)
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  after=$(registry_ticks)
  curl -sf -o /dev/null -I "http://$registry/v2/bench/blob/blobs/$digest" # the blob is there
  result=$(awk -v a="$t0" -v b="$t1" -v r0="$before" -v r1="$after" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f %.2f", b - a, (r1 - r0) / hz }')
}

echo "writing a ${mib} MiB random blob ..." >&2
head -c "${mib}M" /dev/urandom >"$work/blob"
digest=sha256:$(sha256sum "$work/blob" | cut -d' ' -f1)
for c in "${chunk_sizes[@]}"; do
  mkdir "$work/chunks-$c" && split -b "${c}M" "$work/blob" "$work/chunks-$c/"
done
cat "$work/blob" "$work"/chunks-*/* >/dev/null # page cache warm for every mode alike
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

header="| run |"; rule="|---|"
for c in "${chunk_sizes[@]}"; do header+=" $c MiB PATCHes |"; rule+="---|"; done
echo "$header one PATCH | monolithic PUT |   (each: wall s / registry CPU s)"
echo "$rule---|---|"
for run in $(seq "$runs"); do
  line="| $run |"
  for c in "${chunk_sizes[@]}"; do measure chunked "$c"; line+=" ${result/ / \/ } |"; done
  measure one_patch; line+=" ${result/ / \/ } |"
  measure monolithic; line+=" ${result/ / \/ } |"
  echo "$line"
done
echo
echo "blob: $mib MiB; $(nproc) cores; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg); docker-registry $(docker-registry --version 2>/dev/null | cut -d' ' -f3)"
