#!/usr/bin/env bash
# Offset-commit-like writes through the coordinator runtime, with 1 and 8 shards, durable (one
# fsync per group commit per shard) and under log.flush=os, 1024 writes in flight from one thread.
#
#   bench/coordinator-bench.sh [ROUNDS] [SECONDS]     (default 2 rounds of 10 s per run)
#
# Prints one line per run: shards, flush, writes/s, batches/s, writes per batch, p50/p99 latency.
set -euo pipefail

ROUNDS=${1:-2}
SECONDS_PER_RUN=${2:-10}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
export JAVA_HOME="$JDK"

cd "$ROOT"
./mvnw -q -B -DskipTests -Dspotless.skip=true package -pl bench -am
CP="bench/target/watershed-bench-0.1.0-SNAPSHOT.jar:$(find bench/target/lib -name '*.jar' | tr '\n' ':')"
WORK=bench/work/coordinator

printf '%-7s %-8s %12s %12s %10s %8s %8s\n' shards flush writes/s batches/s per-batch p50-ms p99-ms
for round in $(seq 1 "$ROUNDS"); do
  for flush in durable os; do
    for shards in 1 8; do
      rm -rf "$WORK"
      "$JDK/bin/java" -cp "$CP" -Dlogback.configurationFile=none --enable-native-access=ALL-UNNAMED \
        io.watershed.bench.CoordinatorWriteBench "$WORK" "$shards" 1024 "$flush" "$SECONDS_PER_RUN" 64 |
        awk -v s="$shards" -v f="$flush" '
          /^writes_per_s/ {w=$2} /^batches_per_s/ {b=$2} /^writes_per_batch/ {p=$2}
          /^latency_ms_p50/ {l50=$2} /^latency_ms_p99/ {l99=$2}
          END {printf "%-7s %-8s %12s %12s %10s %8s %8s\n", s, f, w, b, p, l50, l99}'
    done
  done
done
rm -rf "$WORK"
