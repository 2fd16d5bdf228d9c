#!/usr/bin/env bash
# Watershed's Kafka front door beside Apache Kafka (KRaft, one combined node), measured in the same
# run with Kafka's own perf tools and the same JDK, alternating which system goes first.
#
#   bench/kafka-bench.sh [ROUNDS]      (default 3 rounds; about 4 minutes per round)
#   ONLY=startup bench/kafka-bench.sh [ROUNDS]   start-up alone (about 15 s per round)
#
# Per round and system, on a fresh data directory:
#   startup     broker JVM launched -> first Metadata answer (bench/kafka/FirstMetadata.java, a
#               plain socket retrying every 5 ms), and -> the port accepting connections
#   warm-up     WARMUP_RECORDS 100 B records (the JIT alone costs Kafka ~11 CPU-seconds); not measured
#   p1          ProducerPerformance, 100 B records, acks=1, 1 partition, plus the broker's CPU time
#               per record (utime+stime from /proc) over that run
#   p1x6        the same on 6 partitions
#   k1, k6      ProducerPerformance, 1 KiB records, acks=all, 1 and 6 partitions
#   consume     ConsumerPerformance reading everything p1 wrote, in a group (both brokers with
#               group.initial.rebalance.delay.ms=0): records/s overall and while fetching
#   e2e         EndToEndLatency, 100 B, acks=1, one record at a time
#   rss         the broker's peak resident memory (VmHWM) over all of the above
#   durable     a second start with fsync before acknowledging (Watershed log.flush=durable, Kafka
#               log.flush.interval.messages=1), then k6 again with fewer records
# Both page-cache runs use no fsync on the write path (Watershed log.flush=os, Kafka's default).
# Kafka gets the heap and GC flags its kafka-server-start.sh uses; Watershed runs as
# bin/watershed runs it. Results: bench/work/results/kafka-<round>-<system>.txt and a table on
# stdout (median and min-max over the rounds, and the Watershed/Kafka ratio per round).
set -euo pipefail

ROUNDS=${1:-3}
WARMUP_RECORDS=${WARMUP_RECORDS:-3000000}
P1_RECORDS=${P1_RECORDS:-2000000}
K_RECORDS=${K_RECORDS:-300000}
DURABLE_RECORDS=${DURABLE_RECORDS:-100000}
E2E_RECORDS=${E2E_RECORDS:-10000}
# Below the ephemeral range (32768-60999 here), so that no client socket on the machine holds one.
KAFKA_PORT=29092
KAFKA_CONTROLLER_PORT=29093
WATERSHED_PORT=29192
WATERSHED_HTTP_PORT=29180

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/jdk.sh
source "$ROOT/bin/lib/jdk.sh"
find_jdk
[ -n "$JDK" ] || { echo "no JDK $MIN_JAVA or newer found" >&2; exit 1; }
export JAVA_HOME="$JDK"
JAVA="$JDK/bin/java"

cd "$ROOT"
WORK="$ROOT/bench/work"
LIB="$WORK/kafka-lib"
OUT="$WORK/results"
mkdir -p "$OUT"
rm -f "$OUT"/kafka-*.txt

if [ ! -f "$LIB/.complete" ]; then
  echo "fetching Apache Kafka and its perf tools from Maven Central into $LIB" >&2
  ./mvnw -q -B -f bench/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="$LIB"
  touch "$LIB/.complete"
fi
./mvnw -q -B -DskipTests package -pl server -am
bin/watershed version >/dev/null # builds the class-data archive bin/watershed uses

TOOLS=(-cp "$LIB/*")
PID=""

stop_broker() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  PID=""
}
trap stop_broker EXIT

# start_broker SYSTEM MODE DIR: launches the broker in the background (PID, BOOTSTRAP) and sets
# STARTUP to the milliseconds to its first Metadata answer. MODE is "os" (page cache) or "durable".
start_broker() {
  local system=$1 mode=$2 dir=$3 probe
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$system" = watershed ]; then
    BOOTSTRAP="127.0.0.1:$WATERSHED_PORT"
  else
    BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
  fi
  # The probe's JVM starts (and warms up, knocking on a closed port) before the broker does.
  "$JAVA" "${TOOLS[@]}" bench/kafka/FirstMetadata.java "$BOOTSTRAP" "$dir/launched" \
    >"$dir/startup" 2>"$dir/probe.log" &
  probe=$!
  sleep 3
  if [ "$system" = watershed ]; then
    date +%s%3N >"$dir/launched"
    bin/watershed server --data-dir "$dir/data" --bind-host 127.0.0.1 \
      --kafka-port "$WATERSHED_PORT" --http-port "$WATERSHED_HTTP_PORT" \
      --set "log.flush=$mode" --set kafka.group.initial.rebalance.delay.ms=0 \
      >"$dir/server.log" 2>&1 &
    PID=$!
  else
    cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
    if [ "$mode" = durable ]; then echo "log.flush.interval.messages=1" >>"$dir/server.properties"; fi
    "$JAVA" "${TOOLS[@]}" kafka.tools.StorageTool format -t "$("$JAVA" "${TOOLS[@]}" \
      kafka.tools.StorageTool random-uuid 2>/dev/null)" -c "$dir/server.properties" \
      >"$dir/format.log" 2>&1
    date +%s%3N >"$dir/launched"
    # kafka-server-start.sh's defaults.
    "$JAVA" -Xmx1G -Xms1G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      "${TOOLS[@]}" kafka.Kafka "$dir/server.properties" >"$dir/server.log" 2>&1 &
    PID=$!
  fi
  wait "$probe" || { echo "$system did not start; see $dir" >&2; exit 1; }
  read -r STARTUP LISTENING <"$dir/startup"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
peak_rss_mb() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status"; }

create_topic() {
  "$JAVA" "${TOOLS[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --create --topic "$1" --partitions "$2" --replication-factor 1 >/dev/null
}

# produce TOPIC RECORDS SIZE ACKS: prints "records/s p99-ms" from ProducerPerformance's summary.
produce() {
  "$JAVA" "${TOOLS[@]}" org.apache.kafka.tools.ProducerPerformance --topic "$1" \
    --num-records "$2" --record-size "$3" --throughput -1 \
    --producer-props "bootstrap.servers=$BOOTSTRAP" "acks=$4" \
    2>/dev/null | grep 'records sent' | tail -n 1 |
    sed -E 's/.* ([0-9.]+) records\/sec.* ([0-9]+) ms 99th.*/\1 \2/'
}

run_system() {
  local round=$1 system=$2
  local dir="$WORK/kafka-run" file="$OUT/kafka-$round-$system.txt" before after rps p99
  echo "round $round/$ROUNDS: $system" >&2
  start_broker "$system" os "$dir"
  echo "startup_ms $STARTUP" >"$file"
  echo "listening_ms $LISTENING" >>"$file"
  if [ "${ONLY:-}" = startup ]; then
    stop_broker
    rm -rf "$dir"
    return
  fi

  create_topic warmup 1
  produce warmup "$WARMUP_RECORDS" 100 1 >/dev/null
  create_topic p1 1
  create_topic p1x6 6
  create_topic k1 1
  create_topic k6 6
  before=$(cpu_ticks)
  read -r rps p99 < <(produce p1 "$P1_RECORDS" 100 1)
  after=$(cpu_ticks)
  echo "p1_records_per_s $rps" >>"$file"
  echo "p1_p99_ms $p99" >>"$file"
  # Clock ticks are 10 ms (getconf CLK_TCK = 100).
  echo "p1_broker_cpu_us_per_record $(awk -v t=$((after - before)) -v n="$P1_RECORDS" \
    'BEGIN {printf "%.3f", t * 10000 / n}')" >>"$file"
  read -r rps p99 < <(produce p1x6 "$P1_RECORDS" 100 1)
  echo "p1x6_records_per_s $rps" >>"$file"
  read -r rps p99 < <(produce k1 "$K_RECORDS" 1024 all)
  echo "k1_records_per_s $rps" >>"$file"
  echo "k1_p99_ms $p99" >>"$file"
  read -r rps p99 < <(produce k6 "$K_RECORDS" 1024 all)
  echo "k6_records_per_s $rps" >>"$file"
  echo "k6_p99_ms $p99" >>"$file"

  "$JAVA" "${TOOLS[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server \
    "$BOOTSTRAP" --topic p1 --num-records "$P1_RECORDS" --timeout 60000 2>/dev/null |
    tail -n 1 | awk -F', ' '{print "consume_records_per_s " $6; print "consume_fetch_records_per_s " $10}' \
    >>"$file"

  "$JAVA" "${TOOLS[@]}" org.apache.kafka.tools.EndToEndLatency "$BOOTSTRAP" e2e \
    "$E2E_RECORDS" 1 100 2>/dev/null | grep Percentiles |
    sed -E 's/.*50th = ([0-9.]+), 99th = ([0-9.]+), 99.9th = ([0-9.]+).*/e2e_p50_ms \1\ne2e_p99_ms \2\ne2e_p999_ms \3/' \
      >>"$file"

  echo "peak_rss_mb $(peak_rss_mb)" >>"$file"
  stop_broker

  start_broker "$system" durable "$dir"
  create_topic d6 6
  read -r rps p99 < <(produce d6 "$DURABLE_RECORDS" 1024 all)
  echo "durable_k6_records_per_s $rps" >>"$file"
  echo "durable_k6_p99_ms $p99" >>"$file"
  stop_broker
  rm -rf "$dir"
}

# One unmeasured start of each: bin/watershed records its class-data archive on the first start
# after a build, and both systems' jars get into the page cache.
for system in watershed kafka; do
  start_broker "$system" os "$WORK/kafka-run"
  stop_broker
done

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    run_system "$round" watershed
    run_system "$round" kafka
  else
    run_system "$round" kafka
    run_system "$round" watershed
  fi
done

"$JAVA" bench/kafka/KafkaBenchReport.java "$OUT"
