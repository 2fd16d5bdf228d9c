#!/usr/bin/env bash
# kcat (Debian 12's kcat 1.7.1, librdkafka 2.0.2) against a running server, as a user drives it.
# Usage: kcat.sh BOOTSTRAP (host:port of the Kafka door). Exits non-zero with a message on the
# first mismatch. Every kcat call is bounded by `timeout`.
#
# Topics: kcat-codec-<codec>-acks<acks>, kcat-group, kcat-time; the Java test checks afterwards
# that every batch of kcat-codec-<codec>-* is stored compressed with <codec>.
set -euo pipefail

B="${1:?usage: kcat.sh BOOTSTRAP}"
KCAT="${KCAT:-/usr/bin/kcat}"
PY=/usr/bin/python3
STEP_TIMEOUT=30

step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
k() {
  local rc=0
  timeout -k 5 "$STEP_TIMEOUT" "$KCAT" -b "$B" -m 10 "$@" || rc=$?
  [ "$rc" = 124 ] && fail "kcat $* did not finish within ${STEP_TIMEOUT}s"
  return "$rc"
}
# same NAME EXPECTED ACTUAL: exact comparison, with a diff on mismatch.
same() {
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: what was read back differs from what was expected (- expected, + read):" >&2
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2 || true
    exit 1
  fi
  echo "ok: $1"
}
# consume_all TOPIC EXPECTED_LINES FORMAT [kcat args...]: reads the topic from the beginning to its
# end; retried for up to 20 s while fewer lines than expected come back (acks=0 produce returns
# before the server has appended).
consume_all() {
  local topic="$1" want="$2" fmt="$3" out n deadline=$((SECONDS + 20))
  shift 3
  while :; do
    out="$(k -C -t "$topic" -o beginning -e -q -f "$fmt" "$@")" || fail "consuming $topic failed"
    n=$(printf '%s' "$out" | grep -c '' || true)
    if [ "$n" -ge "$want" ] || [ "$SECONDS" -ge "$deadline" ]; then break; fi
    sleep 0.5
  done
  printf '%s' "$out"
}

# A value long and repetitive enough that librdkafka keeps the compressed batch (it sends a batch
# uncompressed when compression does not make it smaller).
PAD="$(printf 'watershed-%.0s' $(seq 1 40))"
N=20

for codec in none gzip snappy lz4 zstd; do
  for acks in 0 1 all; do
    topic="kcat-codec-$codec-acks$acks"
    step "produce $N keyed records with headers to $topic: compression.codec=$codec acks=$acks"
    expected=""
    input=""
    for i in $(seq 1 "$N"); do
      input+="key-$i:$codec-$acks-$i-$PAD"$'\n'
      expected+="key-$i|$codec-$acks-$i-$PAD|client=kcat,codec=$codec"$'\n'
    done
    printf '%s' "$input" |
      k -P -t "$topic" -K: -H client=kcat -H "codec=$codec" \
        -X "compression.codec=$codec" -X "acks=$acks" -X linger.ms=50 ||
      fail "producing to $topic (codec $codec, acks $acks) failed"
    got="$(consume_all "$topic" "$N" '%k|%s|%h\n')"
    same "$topic read back from the beginning" "${expected%$'\n'}" "$got"
  done
done

step "metadata (-L -J) lists the broker and the topic's one partition led by it"
k -L -J -t kcat-codec-gzip-acksall >"${TMPDIR:-/tmp}/kcat-metadata.$$.json" ||
  fail "kcat -L failed"
"$PY" - "$B" "${TMPDIR:-/tmp}/kcat-metadata.$$.json" <<'PYEOF' || fail "metadata check failed"
import json, sys
bootstrap, path = sys.argv[1], sys.argv[2]
md = json.load(open(path))
brokers = md["brokers"]
assert [b["name"] for b in brokers] == [bootstrap], f"brokers {brokers}, expected one at {bootstrap}"
topics = {t["topic"]: t for t in md["topics"]}
t = topics.get("kcat-codec-gzip-acksall")
assert t is not None, f"topic missing from metadata: {md}"
assert "error" not in t, f"topic error: {t}"
parts = t["partitions"]
assert len(parts) == 1 and parts[0]["partition"] == 0, f"partitions {parts}"
assert parts[0]["leader"] == brokers[0]["id"], f"leader {parts[0]['leader']}, broker {brokers[0]}"
assert "error" not in parts[0], f"partition error: {parts[0]}"
print("ok: metadata", json.dumps(t))
PYEOF
rm -f "${TMPDIR:-/tmp}/kcat-metadata.$$.json"

step "a consumer group reads what is there, commits, and resumes after its committed offset"
printf 'g-1\ng-2\ng-3\n' | k -P -t kcat-group -X acks=all || fail "producing to kcat-group failed"
got="$(k -G kcat-group-1 -X auto.offset.reset=earliest -e -q -f '%p:%o:%s\n' kcat-group)" ||
  fail "group consumer failed"
same "kcat-group first read by group kcat-group-1" $'0:0:g-1\n0:1:g-2\n0:2:g-3' "$got"
printf 'g-4\ng-5\n' | k -P -t kcat-group -X acks=all || fail "producing to kcat-group failed"
got="$(k -G kcat-group-1 -X auto.offset.reset=earliest -e -q -f '%p:%o:%s\n' kcat-group)" ||
  fail "group consumer failed"
same "kcat-group second read by group kcat-group-1 (from the committed offset 3)" \
  $'0:3:g-4\n0:4:g-5' "$got"
got="$(k -G kcat-group-2 -X auto.offset.reset=latest -e -q -f '%p:%o:%s\n' kcat-group)" ||
  fail "group consumer failed"
same "kcat-group read by a new group kcat-group-2 from latest" "" "$got"

step "offsets by timestamp (-Q) and consuming from (s@) and up to (e@) a timestamp"
printf 'early-1\nearly-2\nearly-3\n' | k -P -t kcat-time -X acks=all || fail "producing failed"
sleep 1.1
T="$(date +%s%3N)"
sleep 0.1
printf 'late-1\nlate-2\n' | k -P -t kcat-time -X acks=all || fail "producing failed"
got="$(k -Q -t "kcat-time:0:$T")" || fail "kcat -Q failed"
same "offset of the first record at or after $T" "kcat-time [0] offset 3" "$got"
got="$(k -Q -t "kcat-time:0:1")" || fail "kcat -Q failed"
same "offset for timestamp 1 (before every record)" "kcat-time [0] offset 0" "$got"
got="$(k -Q -t "kcat-time:0:$((T + 3600000))")" || fail "kcat -Q failed"
same "offset for a timestamp after every record" "kcat-time [0] offset -1" "$got"
got="$(k -C -t kcat-time -o "s@$T" -e -q -f '%o:%s\n')" || fail "consuming from s@$T failed"
same "records from timestamp $T" $'3:late-1\n4:late-2' "$got"
got="$(k -C -t kcat-time -o beginning -o "e@$T" -e -q -f '%o:%s\n')" ||
  fail "consuming up to e@$T failed"
same "records before timestamp $T" $'0:early-1\n1:early-2\n2:early-3' "$got"

echo "kcat: all checks passed"
