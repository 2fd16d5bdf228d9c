#!/usr/bin/env bash
# The event-store front door under load from the official EventStoreDB Java client
# (com.eventstore:db-client-java, fetched from Maven Central into bench/work), against the server
# started as a user starts it (bin/watershed server, log.flush=durable: every append is fsynced
# before it is acknowledged).
#
#   bench/eventstore-bench.sh [ROUNDS]      (default 3 rounds; a fresh data directory each)
#
# Per round, after a warm-up pass of the same load (WARMUP_APPENDS, WARMUP_BATCHES; not measured)
# against the same server (bench/eventstore/EventStoreLoad.java): APPENDS single-event appends with an exact
# expected revision from WRITERS concurrent writers over STREAMS streams; BATCHES appends of 100
# events; every stream read forwards; $all read forwards. No EventStoreDB can be fetched from the
# package registries this machine may use, so the peer figure is EventStoreDB's published one
# (docs/BENCHMARKS.md). Results: bench/work/results/eventstore-<round>.txt and a summary.
set -euo pipefail

ROUNDS=${1:-3}
APPENDS=${APPENDS:-300000}
STREAMS=${STREAMS:-100000}
WRITERS=${WRITERS:-64}
BATCHES=${BATCHES:-5000}
# Both JVMs (server and client) warm up on a first pass of the same load, not measured.
WARMUP_APPENDS=${WARMUP_APPENDS:-100000}
WARMUP_BATCHES=${WARMUP_BATCHES:-1000}
PORT=39213

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
export JAVA_HOME="$JDK"
JAVA="$JDK/bin/java"

cd "$ROOT"
WORK="$ROOT/bench/work"
LIB="$WORK/eventstore-client-lib"
OUT="$WORK/results"
mkdir -p "$OUT"
rm -f "$OUT"/eventstore-*.txt

if [ ! -f "$LIB/.complete" ]; then
  echo "fetching the EventStoreDB Java client from Maven Central into $LIB" >&2
  ./mvnw -q -B -f bench/eventstore/pom.xml dependency:copy-dependencies -DoutputDirectory="$LIB"
  touch "$LIB/.complete"
fi
./mvnw -q -B -DskipTests package -pl server -am
bin/watershed version >/dev/null

PID=""
stop_server() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  PID=""
}
trap stop_server EXIT

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  dir="$WORK/eventstore-run"
  rm -rf "$dir"
  mkdir -p "$dir"
  bin/watershed server --data-dir "$dir/data" --bind-host 127.0.0.1 --kafka-port 0 --kinesis-port 0 \
    --eventstore-port "$PORT" --http-port 0 >"$dir/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; then exec 3<&-; break; fi
    sleep 0.1
  done
  # bin/watershed execs the JVM, so the pid of the server process is the launcher's
  SERVER_PID=$PID
  "$JAVA" -cp "$LIB/*" bench/eventstore/EventStoreLoad.java \
    "esdb://127.0.0.1:$PORT?tls=false" "$WARMUP_APPENDS" "$STREAMS" "$WRITERS" "$WARMUP_BATCHES" \
    >"$WORK/eventstore-warmup-$round.txt"
  "$JAVA" -cp "$LIB/*" bench/eventstore/EventStoreLoad.java \
    "esdb://127.0.0.1:$PORT?tls=false" "$APPENDS" "$STREAMS" "$WRITERS" "$BATCHES" "$SERVER_PID" \
    >"$OUT/eventstore-$round.txt"
  awk '/^VmHWM/ {printf "server_peak_rss_mb %.0f\n", $2 / 1024}' "/proc/$PID/status" \
    >>"$OUT/eventstore-$round.txt"
  echo "index_disk_mb $(du -sm "$dir/data/eventstore/index" | cut -f1)" >>"$OUT/eventstore-$round.txt"
  stop_server
done

# Median and range per metric over the rounds.
awk '{ v[$1] = v[$1] " " $2 } END {
  for (k in v) {
    n = split(substr(v[k], 2), a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    med = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    printf "| %s | %s (%s–%s) |\n", k, med, a[1], a[n]
  }
}' "$OUT"/eventstore-*.txt | sort
