#!/usr/bin/env bash
# The server's threads under load on every Netty door, by name.
#
#   bench/threads/threads.sh [SERVER_JAR]   (default: this checkout's server/target jar)
#
# Starts the server from SERVER_JAR on free ports with a fresh data directory, drives it for about
# 15 s with Debian's python3-kafka (2 producers, 2 consumer groups), boto3 (Kinesis PutRecord from
# 2 threads) and admin API reads (2 threads), samples the thread count twice a second, then prints
# the peak and the threads by name, and stops the server. Run it on two builds to compare them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -n 1)"
JAR="${1:-$ROOT/server/target/watershed-server-$VERSION.jar}"
D="$(mktemp -d)"
trap 'rm -rf "$D"' EXIT
"$JDK/bin/java" -Xmx512m -jar "$JAR" server --data-dir="$D/data" --kafka-port=0 \
  --eventstore-port=0 --kinesis-port=0 --http-port=0 --ports-file="$D/ports.json" \
  --set kafka.auto.create.topics.enable=true >"$D/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do [ -s "$D/ports.json" ] && break; sleep 0.5; done
/usr/bin/python3 "$ROOT/bench/threads/load.py" "$D/ports.json" "$PID" 2>"$D/load.err" || {
  cat "$D/load.err" >&2
  kill "$PID"
  exit 1
}
kill "$PID"
wait "$PID" 2>/dev/null || true
