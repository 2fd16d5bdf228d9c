#!/usr/bin/env bash
# Log engine benchmarks beside the disk's own bandwidth, measured in the same run.
#
#   bench/log-bench.sh [ROUNDS]      (default 3 rounds; about 4 minutes per round)
#
# Each round runs, one after the other: the disk baseline (16 KiB sequential writes: buffered,
# fdatasync every 16 KiB, fdatasync every 1 MiB), log appends of 16 KiB batches (1 KiB records)
# under log.flush=os and durable with 1, 8 and 64 concurrent writers (blocking threads, and
# outstanding asynchronous appends from one thread), and sequential reads from the page cache.
# Results: bench/work/results/log-<round>-*.json (JMH) and a table on stdout, each log figure as
# a ratio of the baseline of the same round.
set -euo pipefail

ROUNDS=${1:-3}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
export JAVA_HOME="$JDK"

cd "$ROOT"
./mvnw -q -B -DskipTests -Dspotless.skip=true package -pl bench -am
CP="bench/target/watershed-bench-0.1.0-SNAPSHOT.jar:$(find bench/target/lib -name '*.jar' | tr '\n' ':')"
OUT=bench/work/results
mkdir -p "$OUT"
rm -f "$OUT"/log-*.json

jmh() {
  local name=$1
  shift
  "$JDK/bin/java" -cp "$CP" org.openjdk.jmh.Main "$@" -f 1 -wi 2 -w 2s -i 3 -r 3s \
    -jvmArgs "--enable-native-access=ALL-UNNAMED -Dbench.dir=$ROOT/bench/work" \
    -rf json -rff "$OUT/$name.json" >"$OUT/$name.txt" 2>&1 || {
    echo "benchmark $name failed; see $OUT/$name.txt" >&2
    exit 1
  }
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: disk baseline" >&2
  jmh "log-$round-disk" 'DiskWriteBaseline'
  echo "round $round/$ROUNDS: log appends" >&2
  jmh "log-$round-inflight" 'LogAppendBenchmark.appendInFlight' -p inFlight=1,8,64
  for t in 1 8 64; do
    jmh "log-$round-threads-$t" 'LogAppendBenchmark.append$' -t "$t"
  done
  echo "round $round/$ROUNDS: log reads" >&2
  jmh "log-$round-read" 'LogReadBenchmark'
done

"$JDK/bin/java" -cp "$CP" io.watershed.bench.LogBenchReport "$OUT"/log-*.json
