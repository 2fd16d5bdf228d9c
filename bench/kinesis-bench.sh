#!/usr/bin/env bash
# Watershed's Kinesis front door beside kinesalite (the local Kinesis emulator, from npm), measured
# in the same run with the same client: the AWS SDK for Java v2 sync client, in JSON (kinesalite
# truncates large CBOR responses, so both are driven in JSON), alternating which system goes first.
#
#   bench/kinesis-bench.sh [ROUNDS]      (default 3 rounds; about 2 minutes per round)
#
# Per round and system, on a fresh data directory, bench/kinesis/KinesisLoad.java runs (after a
# warm-up of half of each part on another stream, not measured):
#   put         PUT_CALLS PutRecords calls of 500 x 100-byte records from PUT_THREADS threads
#   putrecord   LATENCY_CALLS PutRecord calls of 100 bytes, one at a time: p50 and p99
#   liststreams as many ListStreams calls (no records stored or read): the latency floor
#   get         everything read back with GetRecords over the four shards, a thread per shard
# Watershed runs as bin/watershed runs it, twice: with the default log.flush=durable (every
# acknowledged put is fsynced) and with log.flush=os (the page cache, like kinesalite's in-memory
# store). Both listen on loopback only. kinesalite is installed into bench/work/kinesalite (never
# committed) and the SDK into bench/work/kinesis-client-lib. Results:
# bench/work/results/kinesis-<round>-<system>.txt and a table on stdout (median and min-max over
# the rounds, and the ratios to kinesalite per round).
set -euo pipefail

ROUNDS=${1:-3}
PUT_CALLS=${PUT_CALLS:-100}
PUT_THREADS=${PUT_THREADS:-4}
LATENCY_CALLS=${LATENCY_CALLS:-2000}
KINESALITE_VERSION=3.3.3
KINESALITE_PORT=39567
WATERSHED_PORT=39667

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
export JAVA_HOME="$JDK"
JAVA="$JDK/bin/java"
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "kinesalite needs node and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
}

cd "$ROOT"
WORK="$ROOT/bench/work"
LIB="$WORK/kinesis-client-lib"
KINESALITE="$WORK/kinesalite/node_modules/kinesalite"
OUT="$WORK/results"
mkdir -p "$OUT"
rm -f "$OUT"/kinesis-*.txt

if [ ! -f "$LIB/.complete" ]; then
  echo "fetching the AWS SDK for Java v2 Kinesis client from Maven Central into $LIB" >&2
  ./mvnw -q -B -f bench/kinesis/pom.xml dependency:copy-dependencies -DoutputDirectory="$LIB"
  touch "$LIB/.complete"
fi
if [ ! -f "$KINESALITE/package.json" ]; then
  echo "installing kinesalite $KINESALITE_VERSION from npm into $WORK/kinesalite" >&2
  mkdir -p "$WORK/kinesalite"
  npm install --prefix "$WORK/kinesalite" --no-audit --no-fund --silent \
    "kinesalite@$KINESALITE_VERSION" >&2
fi
# Built in the worktree only (never installed into ~/.m2); a fresh jar keeps bin/watershed from
# building again.
./mvnw -q -B -DskipTests package -pl server -am
touch server/target/watershed-server-*.jar
bin/watershed version >/dev/null # builds the class-data archive bin/watershed uses

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

wait_port() {
  for _ in $(seq 1 600); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then exec 3<&-; return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  exit 1
}

# run_system ROUND SYSTEM: starts SYSTEM (kinesalite, watershed or watershed-os), runs the load.
run_system() {
  local round=$1 system=$2 dir="$WORK/kinesis-run" port
  echo "round $round/$ROUNDS: $system" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$system" = kinesalite ]; then
    port=$KINESALITE_PORT
    node -e "require('$KINESALITE')({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0,
      shardLimit: 1000}).listen($port, '127.0.0.1')" >"$dir/server.log" 2>&1 &
  else
    port=$WATERSHED_PORT
    local flush=durable
    [ "$system" = watershed-os ] && flush=os
    bin/watershed server --data-dir "$dir/data" --bind-host 127.0.0.1 --kafka-port 0 \
      --eventstore-port 0 --pulsar-port 0 --http-port 0 --kinesis-port "$port" \
      --set "log.flush=$flush" >"$dir/server.log" 2>&1 &
  fi
  PID=$!
  wait_port "$port"
  local ticks
  ticks=$(awk '{print $14 + $15}' "/proc/$PID/stat")
  "$JAVA" -Daws.cborEnabled=false -cp "$LIB/*" bench/kinesis/KinesisLoad.java \
    "http://127.0.0.1:$port" "$PUT_CALLS" "$PUT_THREADS" "$LATENCY_CALLS" "$PID" \
    >"$OUT/kinesis-$round-$system.txt"
  # The server's CPU time over the whole load (warm-up included), in seconds.
  awk -v before="$ticks" -v hz="$(getconf CLK_TCK)" '{printf "server_cpu_s %.1f\n", ($14 + $15 - before) / hz}' \
    "/proc/$PID/stat" >>"$OUT/kinesis-$round-$system.txt"
  awk '/^VmHWM/ {printf "server_peak_rss_mb %.0f\n", $2 / 1024}' "/proc/$PID/status" \
    >>"$OUT/kinesis-$round-$system.txt"
  stop_server
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    order=(kinesalite watershed watershed-os)
  else
    order=(watershed-os watershed kinesalite)
  fi
  for system in "${order[@]}"; do run_system "$round" "$system"; done
done

# Median and range per metric and system, then per-round ratios to kinesalite (higher is better
# for throughput; for latency the ratio is kinesalite's over Watershed's, so higher is better too).
cd "$OUT"
awk -v rounds="$ROUNDS" '
  function sort(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  }
  function stats(key,   a, n, i) {
    n = split(vals[key], a, " "); sort(a, n)
    return sprintf("%s (%s-%s)", a[int((n + 1) / 2)], a[1], a[n])
  }
  {
    split(FILENAME, p, "-"); r = p[2]; sys = FILENAME
    sub(/^kinesis-[0-9]+-/, "", sys); sub(/\.txt$/, "", sys)
    v[r, sys, $1] = $2; vals[sys SUBSEP $1] = vals[sys SUBSEP $1] " " $2; metrics[$1] = 1; systems[sys] = 1
  }
  END {
    for (m in metrics) for (s in systems) printf "%-24s %-14s median %s\n", m, s, stats(s SUBSEP m)
    for (m in metrics) for (s in systems) if (s != "kinesalite" && (m ~ /_per_s$/ || m ~ /^putrecord_/)) {
      line = ""; n = 0
      for (r = 1; r <= rounds; r++) {
        k = v[r, "kinesalite", m]; w = v[r, s, m]
        if (k == "" || w == "" || k == 0 || w == 0) continue
        ratio = (m ~ /_ms$/) ? k / w : w / k
        ratios[++n] = ratio; line = line sprintf(" %.1f", ratio)
      }
      if (n > 0) { sort(ratios, n); printf "ratio %-18s %-14s per round:%s  min %.1f median %.1f max %.1f\n", m, s, line, ratios[1], ratios[int((n + 1) / 2)], ratios[n] }
      delete ratios
    }
  }' kinesis-*.txt | sort
