#!/usr/bin/env bash
# Two builds of Watershed side by side on Kafka produce (no peer): run it alternately on each.
#
#   bench/kafka/ab-produce.sh SERVER_JAR LABEL
#
# Starts the server from SERVER_JAR (log.flush=os, Kafka on port 29392, a fresh data directory),
# warms it up with 2,000,000 records of 100 B, then prints one line: p1x6 (ProducerPerformance,
# 2,000,000 x 100 B, acks=1, 6 partitions) and k6 (300,000 x 1 KiB, acks=all, 6 partitions), each
# in records/s and the broker's CPU microseconds per record (utime+stime from /proc). Needs the
# Kafka tools bench/kafka-bench.sh fetches into bench/work/kafka-lib.
set -u
JAR=$1; LABEL=$2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
J="$JDK/bin/java"; LIB=$ROOT/bench/work/kafka-lib
D=$(mktemp -d); trap 'rm -rf "$D"' EXIT
$J -Xmx1g -jar $JAR server --data-dir=$D/data --kafka-port=29392 --eventstore-port=0 --kinesis-port=0 --http-port=0 --set log.flush=os > $D/server.log 2>&1 &
PID=$!
for i in $(seq 1 120); do grep -q "started in" $D/server.log && break; sleep 0.5; done
topic() { $J -cp "$LIB/*" org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:29392 --create --topic $1 --partitions $2 --replication-factor 1 >/dev/null 2>&1; }
prod() { $J -cp "$LIB/*" org.apache.kafka.tools.ProducerPerformance --topic $1 --num-records $2 --record-size $3 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:29392 acks=$4 2>/dev/null | grep 'records sent' | tail -1 | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/'; }
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
topic warm 1; prod warm 2000000 100 1 >/dev/null
topic p6 6; topic k6 6
b=$(cpu); r1=$(prod p6 2000000 100 1); a=$(cpu); c1=$(awk -v t=$((a-b)) 'BEGIN{printf "%.3f", t*10000/2000000}')
b=$(cpu); r2=$(prod k6 300000 1024 all); a=$(cpu); c2=$(awk -v t=$((a-b)) 'BEGIN{printf "%.3f", t*10000/300000}')
echo "$LABEL p1x6 $r1 cpu $c1 | k6 $r2 cpu $c2"
kill $PID; wait $PID 2>/dev/null
