#!/usr/bin/env bash
# Benchmark: amber's layer upload with different PATCH sizes (RegistryOptions.chunkBytes), each push of
# the same archive into fresh docker-registry storage, the sizes in turn RUNS times. Reports the push's
# own time (in the JVM, start-up excluded) and the registry's CPU time. The archive's digest cache
# (user.amber.sha256) is removed before every push, so each one hashes while it uploads.
#
#   benchmarks/image-chunk-size.sh ARCHIVE [RUNS [MIB...]]    defaults 3, 64 256 and the whole layer in one PATCH
#   needs the image module installed (mvn -o -pl image -am install -DskipTests) and docker-registry
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
archive=$(readlink -f "$1"); runs=${2:-3}; shift 2 || shift $#
size=$(stat -c %s "$archive")
sizes=()
for m in "${@:-64 256}"; do for n in $m; do sizes+=($((n << 20))); done; done
sizes+=("$size")
. "$root/scripts/lib/java-home" && amber_java_home
work=$(mktemp -d /var/tmp/amber-bench-chunks.XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
registry=127.0.0.1:$port
registry_pid=
trap '[ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; rm -rf "$work"' EXIT

# A copy of the class path, so that builds running meanwhile cannot swap jars under the benchmark.
(cd "$root" && mvn -B -q -o -pl image dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
mkdir "$work/lib"
tr ':' '\n' <"$work/cp.txt" | xargs -I{} cp {} "$work/lib/"
cp "$root/image/target/amber-image-0.1.0-SNAPSHOT.jar" "$work/lib/"
cat >"$work/ChunkBench.java" <<'JAVA'
import dev.amber.image.CheckpointImages;
import dev.amber.image.ImageReference;
import dev.amber.image.PushOptions;
import dev.amber.image.registry.RegistryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

public class ChunkBench {
    public static void main(String[] args) throws Exception {
        Path archive = Path.of(args[0]);
        var view = Files.getFileAttributeView(archive, UserDefinedFileAttributeView.class);
        if (view.list().contains("amber.sha256")) {
            view.delete("amber.sha256");
        }
        System.setProperty("jdk.httpclient.bufsize", Integer.toString(1 << 20)); // as the CLI sets it
        var images = CheckpointImages.standard(RegistryOptions.defaults().withInsecure(true).withChunkBytes(Long.parseLong(args[1])));
        long start = System.nanoTime();
        images.push(archive, ImageReference.parse(args[2]), PushOptions.defaults());
        System.out.printf("%.2f%n", (System.nanoTime() - start) / 1e9);
    }
}
JAVA
"$JAVA_HOME/bin/javac" -cp "$work/lib/*" -d "$work" "$work/ChunkBench.java"

# shellcheck source=lib/registry.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/registry.sh"
ticks() { awk '{ print $14 + $15 }' "/proc/$registry_pid/stat"; }

push() { # CHUNK_BYTES -> sets result to "PUSH_S / REGISTRY_CPU_S" (no subshell: the registry's pid must survive)
  start_registry
  local before seconds after
  before=$(ticks)
  seconds=$("$JAVA_HOME/bin/java" -cp "$work/lib/*:$work" ChunkBench "$archive" "$1" "127.0.0.1:$port/bench/amber:1")
  after=$(ticks)
  result="$seconds / $(awk -v a="$before" -v b="$after" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')"
}

cat "$archive" >/dev/null # page cache warm
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
header="| run |"; rule="|---|"
for s in "${sizes[@]}"; do
  if [ "$s" = "$size" ]; then header+=" one PATCH |"; else header+=" $((s >> 20)) MiB PATCHes |"; fi
  rule+="---|"
done
echo "$header   (each: push s / registry CPU s)"
echo "$rule"
for run in $(seq "$runs"); do
  line="| $run |"
  for s in "${sizes[@]}"; do push "$s"; line+=" $result |"; done
  echo "$line"
done
echo
echo "archive: $size bytes; $(nproc) cores; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
