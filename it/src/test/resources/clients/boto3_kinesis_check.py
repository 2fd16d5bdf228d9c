"""boto3 (Debian 12's python3-boto3 1.26, botocore 1.29; Kinesis over JSON) against a running
server's Kinesis door, as a user drives it. Usage: /usr/bin/python3 boto3_kinesis_check.py ENDPOINT
(e.g. http://127.0.0.1:4567). Credentials and region come from the environment.

Exits non-zero with a message on the first mismatch; the whole run is bounded by an alarm and every
call by botocore's connect and read timeouts.
"""
import datetime
import hashlib
import signal
import sys
import time

import boto3
from botocore.config import Config

ENDPOINT = sys.argv[1]
STREAM = "boto3-stream"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def step(msg):
    print("== " + msg, flush=True)


def ok(msg):
    print("ok: " + msg, flush=True)


def same(what, expected, got):
    if expected != got:
        lines = [f"FAIL: {what}: differs from what was expected"]
        if isinstance(expected, list) and isinstance(got, list):
            for i, (e, g) in enumerate(zip(expected, got)):
                if e != g:
                    lines.append(f"  first difference at #{i}: expected {e!r}, got {g!r}")
                    break
            lines.append(f"  expected {len(expected)} items, got {len(got)}")
        else:
            lines.append(f"  expected {expected!r}\n  got      {got!r}")
        print("\n".join(lines), file=sys.stderr, flush=True)
        sys.exit(1)
    ok(what)


def on_alarm(signum, frame):
    fail("the whole run took longer than its bound")


signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(180)

kinesis = boto3.client("kinesis", endpoint_url=ENDPOINT,
                       config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}))
check(kinesis.meta.service_model.protocol == "json", f"protocol {kinesis.meta.service_model.protocol}")


def wait_active():
    kinesis.get_waiter("stream_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    summary = kinesis.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"]
    check(summary["StreamStatus"] == "ACTIVE", f"stream status {summary['StreamStatus']}")
    return summary


def shards():
    out, token = [], None
    while True:
        resp = kinesis.list_shards(NextToken=token) if token else kinesis.list_shards(StreamName=STREAM)
        out += resp["Shards"]
        token = resp.get("NextToken")
        if not token:
            return out


def hash_key(partition_key):
    return int.from_bytes(hashlib.md5(partition_key.encode()).digest(), "big")


def shard_for(partition_key, open_shards):
    h = hash_key(partition_key)
    for s in open_shards:
        r = s["HashKeyRange"]
        if int(r["StartingHashKey"]) <= h <= int(r["EndingHashKey"]):
            return s["ShardId"]
    fail(f"no open shard covers hash key {h} of {partition_key}")


def read_all(shard_id, iterator_type="TRIM_HORIZON", **kwargs):
    """Reads a shard from an iterator until it is caught up (or closed); returns (records, last response)."""
    it = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard_id, ShardIteratorType=iterator_type,
                                    **kwargs)["ShardIterator"]
    out = []
    deadline = time.monotonic() + 30
    while it and time.monotonic() < deadline:
        resp = kinesis.get_records(ShardIterator=it, Limit=1000)
        out += [(r["Data"].decode(), r["PartitionKey"], r["SequenceNumber"]) for r in resp["Records"]]
        it = resp.get("NextShardIterator")
        if resp["MillisBehindLatest"] == 0 and not resp["Records"]:
            break
    return out, resp


step(f"create {STREAM} with 2 shards and wait until ACTIVE")
kinesis.create_stream(StreamName=STREAM, ShardCount=2)
summary = wait_active()
check(summary["OpenShardCount"] == 2, f"open shards {summary['OpenShardCount']}")
check(STREAM in kinesis.list_streams()["StreamNames"], "list_streams does not name the stream")
ok(f"ACTIVE, ARN {summary['StreamARN']}")

step("list_shards: two open shards covering the whole hash-key space")
initial = shards()
same("shard ids", ["shardId-000000000000", "shardId-000000000001"], [s["ShardId"] for s in initial])
ranges = [(int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])) for s in initial]
check(ranges[0][0] == 0 and ranges[0][1] + 1 == ranges[1][0] and ranges[1][1] == 2 ** 128 - 1,
      f"hash-key ranges {ranges}")
ok(f"ranges {ranges}")

step("put_record and put_records land on the shards their partition keys hash to")
put = {s["ShardId"]: [] for s in initial}  # shard -> [(data, key, sequence number)] in put order
for i in range(4):
    key, data = f"pk-{i}", f"single-{i}"
    resp = kinesis.put_record(StreamName=STREAM, PartitionKey=key, Data=data.encode())
    same(f"put_record {key} shard", shard_for(key, initial), resp["ShardId"])
    put[resp["ShardId"]].append((data, key, resp["SequenceNumber"]))
entries = [{"PartitionKey": f"pk-{i}", "Data": f"batch-{i}".encode()} for i in range(20)]
resp = kinesis.put_records(StreamName=STREAM, Records=entries)
check(resp["FailedRecordCount"] == 0, f"put_records failures: {resp}")
check(len(resp["Records"]) == 20, f"put_records answered {len(resp['Records'])} entries for 20")
for e, r in zip(entries, resp["Records"]):
    check(r["ShardId"] == shard_for(e["PartitionKey"], initial), f"{e['PartitionKey']} went to {r['ShardId']}")
    put[r["ShardId"]].append((e["Data"].decode(), e["PartitionKey"], r["SequenceNumber"]))
check(all(put.values()), f"both shards should have records: {put}")
ok("every record went to its shard; " + ", ".join(f"{k}: {len(v)}" for k, v in put.items()))

step("get_records from TRIM_HORIZON returns exactly what was put, in order, per shard")
for shard_id, expected in put.items():
    got, _ = read_all(shard_id)
    same(f"{shard_id} from TRIM_HORIZON", expected, got)
    seqs = [int(s) for _, _, s in got]
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), f"{shard_id} sequence numbers not increasing")

step("iterators AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP; get_records with Limit")
shard0 = "shardId-000000000000"
expected = put[shard0]
seq = expected[1][2]
same("AT_SEQUENCE_NUMBER", expected[1:], read_all(shard0, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=seq)[0])
same("AFTER_SEQUENCE_NUMBER", expected[2:], read_all(shard0, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seq)[0])
it = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard0, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
resp = kinesis.get_records(ShardIterator=it, Limit=2)
same("get_records Limit=2", expected[:2],
     [(r["Data"].decode(), r["PartitionKey"], r["SequenceNumber"]) for r in resp["Records"]])
resp = kinesis.get_records(ShardIterator=resp["NextShardIterator"], Limit=2)
same("the next get_records Limit=2", expected[2:4],
     [(r["Data"].decode(), r["PartitionKey"], r["SequenceNumber"]) for r in resp["Records"]])
latest = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard0, ShardIteratorType="LATEST")["ShardIterator"]
resp = kinesis.get_records(ShardIterator=latest)
same("LATEST before a new put", [], resp["Records"])
time.sleep(1.1)
boundary = datetime.datetime.now(datetime.timezone.utc)
time.sleep(0.1)
key0 = next(k for _, k, _ in expected)
later = []
for i in range(3):
    r = kinesis.put_record(StreamName=STREAM, PartitionKey=key0, Data=f"later-{i}".encode())
    check(r["ShardId"] == shard0, f"{key0} went to {r['ShardId']}")
    later.append((f"later-{i}", key0, r["SequenceNumber"]))
resp = kinesis.get_records(ShardIterator=resp["NextShardIterator"])
same("LATEST's next iterator sees what was put after it",
     later, [(r["Data"].decode(), r["PartitionKey"], r["SequenceNumber"]) for r in resp["Records"]])
for r in resp["Records"]:
    check(r["ApproximateArrivalTimestamp"] >= boundary - datetime.timedelta(seconds=1),
          f"arrival timestamp {r['ApproximateArrivalTimestamp']} before {boundary}")
same("AT_TIMESTAMP", later, read_all(shard0, "AT_TIMESTAMP", Timestamp=boundary)[0])
put[shard0] += later

step("split shard 0 at the middle of its range, then merge its two children")
r0 = initial[0]["HashKeyRange"]
middle = (int(r0["StartingHashKey"]) + int(r0["EndingHashKey"])) // 2
kinesis.split_shard(StreamName=STREAM, ShardToSplit=shard0, NewStartingHashKey=str(middle))
wait_active()
after_split = {s["ShardId"]: s for s in shards()}
same("shards after the split", ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002",
                                "shardId-000000000003"], sorted(after_split))
check("EndingSequenceNumber" in after_split[shard0]["SequenceNumberRange"], "shard 0 is not closed")
for child, (lo, hi) in [("shardId-000000000002", (int(r0["StartingHashKey"]), middle - 1)),
                        ("shardId-000000000003", (middle, int(r0["EndingHashKey"])))]:
    s = after_split[child]
    check(s.get("ParentShardId") == shard0, f"{child} parent {s.get('ParentShardId')}")
    got_range = (int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
    same(f"{child} hash-key range", (lo, hi), got_range)
open_after_split = [s for s in after_split.values() if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
got, last = read_all(shard0)
same("the closed parent still reads back everything put to it", put[shard0], got)
check(last.get("NextShardIterator") is None, "the closed shard's last get_records has a next iterator")
same("the closed parent's ChildShards", ["shardId-000000000002", "shardId-000000000003"],
     sorted(c["ShardId"] for c in last.get("ChildShards", [])))
resp = kinesis.put_record(StreamName=STREAM, PartitionKey=key0, Data=b"after-split")
same("a key of shard 0 now lands on a child", shard_for(key0, open_after_split), resp["ShardId"])
same(f"{resp['ShardId']} reads it", [("after-split", key0, resp["SequenceNumber"])], read_all(resp["ShardId"])[0])

kinesis.merge_shards(StreamName=STREAM, ShardToMerge="shardId-000000000002",
                     AdjacentShardToMerge="shardId-000000000003")
wait_active()
after_merge = {s["ShardId"]: s for s in shards()}
check("shardId-000000000004" in after_merge, f"no merged shard: {sorted(after_merge)}")
merged = after_merge["shardId-000000000004"]
same("merged shard's parents", ("shardId-000000000002", "shardId-000000000003"),
     (merged.get("ParentShardId"), merged.get("AdjacentParentShardId")))
same("merged shard's range", (int(r0["StartingHashKey"]), int(r0["EndingHashKey"])),
     (int(merged["HashKeyRange"]["StartingHashKey"]), int(merged["HashKeyRange"]["EndingHashKey"])))
summary = kinesis.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"]
same("open shards after split and merge", 2, summary["OpenShardCount"])
resp = kinesis.put_record(StreamName=STREAM, PartitionKey=key0, Data=b"after-merge")
same("a key of shard 0 now lands on the merged shard", "shardId-000000000004", resp["ShardId"])
same("shardId-000000000004 reads it", [("after-merge", key0, resp["SequenceNumber"])],
     read_all("shardId-000000000004")[0])

step("tags: add, list, remove")
kinesis.add_tags_to_stream(StreamName=STREAM, Tags={"env": "test", "team": "watershed"})
same("tags after add", [("env", "test"), ("team", "watershed")],
     sorted((t["Key"], t["Value"]) for t in kinesis.list_tags_for_stream(StreamName=STREAM)["Tags"]))
kinesis.remove_tags_from_stream(StreamName=STREAM, TagKeys=["team"])
same("tags after remove", [("env", "test")],
     sorted((t["Key"], t["Value"]) for t in kinesis.list_tags_for_stream(StreamName=STREAM)["Tags"]))

step("delete the stream and wait until it is gone")
kinesis.delete_stream(StreamName=STREAM)
kinesis.get_waiter("stream_not_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
try:
    kinesis.describe_stream_summary(StreamName=STREAM)
    fail("describe_stream_summary of the deleted stream succeeded")
except kinesis.exceptions.ResourceNotFoundException:
    ok("describe_stream_summary of the deleted stream: ResourceNotFoundException")
check(STREAM not in kinesis.list_streams()["StreamNames"], "list_streams still names the deleted stream")
ok("list_streams no longer names it")

print("boto3 kinesis: all checks passed", flush=True)
