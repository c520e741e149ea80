# shellcheck shell=bash
# Sourced by the image benchmarks: a throwaway docker-registry on $registry (host:port) storing under
# $work/storage. The caller sets registry_pid= before the first call and kills "$registry_pid" on exit.
start_registry() {
  [ -n "$registry_pid" ] && { kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; }
  rm -rf "$work/storage"
  cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: $registry
YML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do curl -sf "http://$registry/v2/" >/dev/null && return 0; sleep 0.1; done
  echo "registry did not start: $(cat "$work/registry.log")" >&2; exit 1
}
