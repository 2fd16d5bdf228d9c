#!/usr/bin/env bash
# The AWS CLI v2 (Debian 12's awscli 2.9) against a running server's Kinesis door, as a user
# drives it. Usage: aws_cli.sh ENDPOINT (e.g. http://127.0.0.1:4567). Dummy credentials and a
# region come from the environment (set here unless given). Exits non-zero with a message on the
# first mismatch; every aws call is bounded by `timeout` and the CLI's own socket timeouts.
set -euo pipefail

ENDPOINT="${1:?usage: aws_cli.sh ENDPOINT}"
AWS="${AWS:-/usr/bin/aws}"
PY=/usr/bin/python3
STREAM=aws-cli-stream
STEP_TIMEOUT=60

export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-watershed-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-watershed-test-secret}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
# No user configuration, no pager, no instance metadata lookups.
export AWS_CONFIG_FILE="${AWS_CONFIG_FILE:-/nonexistent/aws-config}"
export AWS_SHARED_CREDENTIALS_FILE="${AWS_SHARED_CREDENTIALS_FILE:-/nonexistent/aws-credentials}"
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true

step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
same() {
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: differs from what was expected (- expected, + got):" >&2
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2 || true
    exit 1
  fi
  echo "ok: $1"
}
kinesis() {
  local rc=0
  timeout -k 5 "$STEP_TIMEOUT" "$AWS" --endpoint-url "$ENDPOINT" --cli-connect-timeout 5 \
    --cli-read-timeout 30 kinesis "$@" || rc=$?
  [ "$rc" = 124 ] && fail "aws kinesis $* did not finish within ${STEP_TIMEOUT}s"
  return "$rc"
}
# json EXPR: evaluates a Python expression over the JSON document on stdin (as `d`).
json() { "$PY" -c 'import base64, json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

step "aws --version"
"$AWS" --version

step "create-stream $STREAM with 1 shard and wait until it exists"
kinesis create-stream --stream-name "$STREAM" --shard-count 1 || fail "create-stream failed"
kinesis wait stream-exists --stream-name "$STREAM" || fail "wait stream-exists failed"
summary="$(kinesis describe-stream-summary --stream-name "$STREAM")" || fail "describe-stream-summary failed"
same "status, open shards" "ACTIVE 1" \
  "$(json 'd["StreamDescriptionSummary"]["StreamStatus"] + " " + str(d["StreamDescriptionSummary"]["OpenShardCount"])' <<<"$summary")"

step "put-record: raw text (--cli-binary-format raw-in-base64-out) and base64 (the v2 default)"
seqs=()
for i in 1 2 3; do
  out="$(kinesis put-record --stream-name "$STREAM" --partition-key "user-$i" \
    --cli-binary-format raw-in-base64-out --data "hello-$i")" || fail "put-record $i failed"
  same "put-record $i shard" shardId-000000000000 "$(json 'd["ShardId"]' <<<"$out")"
  seqs+=("$(json 'd["SequenceNumber"]' <<<"$out")")
done
out="$(kinesis put-record --stream-name "$STREAM" --partition-key user-4 \
  --data "$(printf 'binary\x00\x01\xff' | base64)")" || fail "put-record of base64 data failed"
seqs+=("$(json 'd["SequenceNumber"]' <<<"$out")")

step "get-shard-iterator TRIM_HORIZON and get-records return exactly what was put"
it="$(kinesis get-shard-iterator --stream-name "$STREAM" --shard-id shardId-000000000000 \
  --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)" ||
  fail "get-shard-iterator failed"
records="$(kinesis get-records --shard-iterator "$it")" || fail "get-records failed"
same "records (partition key, data, sequence number)" \
  "$(printf '%s\n' "user-1 b'hello-1' ${seqs[0]}" "user-2 b'hello-2' ${seqs[1]}" \
    "user-3 b'hello-3' ${seqs[2]}" "user-4 b'binary\\x00\\x01\\xff' ${seqs[3]}")" \
  "$(json '"\n".join(r["PartitionKey"] + " " + repr(base64.b64decode(r["Data"])) + " " + r["SequenceNumber"] for r in d["Records"])' <<<"$records")"

step "get-shard-iterator AFTER_SEQUENCE_NUMBER"
it="$(kinesis get-shard-iterator --stream-name "$STREAM" --shard-id shardId-000000000000 \
  --shard-iterator-type AFTER_SEQUENCE_NUMBER --starting-sequence-number "${seqs[1]}" \
  --query ShardIterator --output text)" || fail "get-shard-iterator failed"
records="$(kinesis get-records --shard-iterator "$it" --limit 1)" || fail "get-records failed"
same "the record after the second" "hello-3" \
  "$(json '"\n".join(base64.b64decode(r["Data"]).decode() for r in d["Records"])' <<<"$records")"

step "delete-stream and wait until it no longer exists"
kinesis delete-stream --stream-name "$STREAM" || fail "delete-stream failed"
kinesis wait stream-not-exists --stream-name "$STREAM" || fail "wait stream-not-exists failed"
rc=0
err="$(kinesis describe-stream-summary --stream-name "$STREAM" 2>&1 >/dev/null)" || rc=$?
[ "$rc" != 0 ] || fail "describe-stream-summary of the deleted stream succeeded"
case "$err" in
  *ResourceNotFoundException*) echo "ok: describe-stream-summary of the deleted stream: ResourceNotFoundException" ;;
  *) fail "describe-stream-summary of the deleted stream: $err" ;;
esac

echo "aws cli: all checks passed"
