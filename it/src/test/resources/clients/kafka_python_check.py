"""kafka-python (Debian 12's python3-kafka 2.0.2, with python3-snappy, python3-lz4 and
python3-zstandard for its codecs) against a running server, as a user drives it.
Usage: /usr/bin/python3 kafka_python_check.py BOOTSTRAP

Exits non-zero with a message on the first mismatch; the whole run is bounded by an alarm and every
call by its own timeout. Topics: kafka-python-codec-<codec>, kafka-python-acks<acks>,
kafka-python-group, kafka-python-admin-*; the Java test checks afterwards that every batch of
kafka-python-codec-<codec> is stored compressed with <codec>.
"""
import signal
import sys
import threading
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.errors import KafkaError, TopicAlreadyExistsError, UnknownTopicOrPartitionError

BOOTSTRAP = sys.argv[1]
TIMEOUT = 30  # seconds, for any one call or wait
PAD = "watershed-" * 40


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
        lines = [f"FAIL: {what}: read back differs from what was produced"]
        for i, (e, g) in enumerate(zip(expected, got)):
            if e != g:
                lines.append(f"  first difference at #{i}: expected {e!r}, got {g!r}")
                break
        lines.append(f"  expected {len(expected)} records, got {len(got)}")
        print("\n".join(lines), file=sys.stderr, flush=True)
        sys.exit(1)
    ok(what)


def on_alarm(signum, frame):
    fail("the whole run took longer than its bound")


signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(240)

COMMON = {"bootstrap_servers": BOOTSTRAP, "request_timeout_ms": TIMEOUT * 1000, "api_version_auto_timeout_ms": 10000}
admin = KafkaAdminClient(**COMMON)


def produce(topic, records, **conf):
    """Produces (partition or None, key, value, headers) records; returns (partition, offset) per record."""
    p = KafkaProducer(**COMMON, max_block_ms=TIMEOUT * 1000, **conf)
    futures = [p.send(topic, key=k.encode(), value=v.encode(), headers=h or [], partition=part)
               for part, k, v, h in records]
    p.flush(timeout=TIMEOUT)
    out = []
    for f in futures:
        try:
            md = f.get(timeout=TIMEOUT)
        except KafkaError as e:
            fail(f"{topic}: send failed: {e!r}")
        out.append((md.partition, md.offset))
    p.close(timeout=TIMEOUT)
    return out


def read_partitions(topic, partitions, count):
    """Reads count records from the beginning of the partitions (no group involved)."""
    c = KafkaConsumer(**COMMON, group_id=None, enable_auto_commit=False, consumer_timeout_ms=2000)
    tps = [TopicPartition(topic, p) for p in partitions]
    c.assign(tps)
    c.seek_to_beginning(*tps)
    out = []
    deadline = time.monotonic() + TIMEOUT
    while len(out) <= count and time.monotonic() < deadline:
        batch = c.poll(timeout_ms=500)
        for recs in batch.values():
            out += [(r.partition, r.offset, r.key.decode(), r.value.decode(),
                     [(k, v.decode()) for k, v in r.headers]) for r in recs]
        if len(out) == count:
            # One more poll: nothing beyond what was produced.
            for recs in c.poll(timeout_ms=1000).values():
                out += [(r.partition, r.offset, r.key.decode(), r.value.decode(), []) for r in recs]
            break
    c.close()
    check(len(out) == count, f"{topic}: read {len(out)} records within {TIMEOUT}s, expected {count}")
    return sorted(out)


# --- produce with every codec ---------------------------------------------------------------------
N = 30
for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
    topic = f"kafka-python-codec-{codec}"
    step(f"produce {N} records to {topic} with compression_type={codec}, acks=all, then read them back")
    records = [(None, f"key-{i}", f"{codec}-{i}-{PAD}", [("client", b"kafka-python"), ("i", str(i).encode())])
               for i in range(N)]
    meta = produce(topic, records, compression_type=None if codec == "none" else codec, acks="all",
                   linger_ms=50)
    same(f"{topic} record metadata", [(0, i) for i in range(N)], meta)
    same(f"{topic} read back",
         [(0, i, f"key-{i}", f"{codec}-{i}-{PAD}", [("client", "kafka-python"), ("i", str(i))]) for i in range(N)],
         read_partitions(topic, [0], N))

for acks in [0, 1]:
    topic = f"kafka-python-acks{acks}"
    step(f"produce to {topic} with acks={acks}")
    produce(topic, [(None, f"key-{i}", f"acks{acks}-{i}", None) for i in range(10)], acks=acks)
    same(f"{topic} read back", [(0, i, f"key-{i}", f"acks{acks}-{i}", []) for i in range(10)],
         read_partitions(topic, [0], 10))

# --- a consumer group (range assignor) with committed offsets -----------------------------------------
step("consumer group kafka-python-group-1 (range assignor): two members split 4 partitions")
GROUP_TOPIC = "kafka-python-group"
admin.create_topics([NewTopic(GROUP_TOPIC, 4, 1)], timeout_ms=TIMEOUT * 1000)
produce(GROUP_TOPIC, [(i % 4, f"key-{i}", f"group-{i}", None) for i in range(40)], acks="all")
GROUP_CONF = dict(COMMON, group_id="kafka-python-group-1", enable_auto_commit=False,
                  auto_offset_reset="earliest", partition_assignment_strategy=[RangePartitionAssignor],
                  session_timeout_ms=10000, heartbeat_interval_ms=1000)


class Member(threading.Thread):
    """One group member polling in its own thread (kafka-python rejoins a group inside poll)."""

    def __init__(self, name):
        super().__init__(daemon=True)
        self.name, self.records, self.error = name, [], None
        # Both members commit before either leaves: a member leaving starts a rebalance, and a
        # commit racing it could be refused.
        self.stop, self.committed, self.leave = threading.Event(), threading.Event(), threading.Event()
        self.consumer = KafkaConsumer(**GROUP_CONF)
        member = self

        class CommitOnRevoke(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                if revoked:
                    member.consumer.commit()  # what was read of partitions about to move

            def on_partitions_assigned(self, assigned):
                pass

        self.consumer.subscribe([GROUP_TOPIC], listener=CommitOnRevoke())

    def assigned(self):
        return sorted(tp.partition for tp in self.consumer.assignment())

    def run(self):
        try:
            while not self.stop.is_set():
                for recs in self.consumer.poll(timeout_ms=200).values():
                    self.records += [(r.partition, r.offset, r.value.decode()) for r in recs]
            self.consumer.commit()
            self.committed.set()
            self.leave.wait(TIMEOUT)
            self.consumer.close(autocommit=False)
        except Exception as e:  # noqa: BLE001
            self.error = repr(e)
            self.committed.set()


a = Member("a")
a.start()
deadline = time.monotonic() + TIMEOUT
while not a.assigned() and time.monotonic() < deadline:
    time.sleep(0.1)
check(a.assigned() == [0, 1, 2, 3], f"the first member alone should own all 4 partitions: {a.assigned()}")
ok("first member owns [0, 1, 2, 3]")
b = Member("b")
b.start()
deadline = time.monotonic() + 45
while time.monotonic() < deadline:
    if (sorted([a.assigned(), b.assigned()]) == [[0, 1], [2, 3]]
            and len(a.records) + len(b.records) >= 40):
        break
    time.sleep(0.1)
assignments = sorted([a.assigned(), b.assigned()])
check(assignments == [[0, 1], [2, 3]], f"range assignment of 4 partitions to 2 members: {assignments}")
ok(f"after the second member joined: {assignments}")
for m in (a, b):
    m.stop.set()
for m in (a, b):
    check(m.committed.wait(TIMEOUT), f"member {m.name} did not commit")
for m in (a, b):
    m.leave.set()
for m in (a, b):
    m.join(TIMEOUT)
    check(not m.is_alive(), f"member {m.name} did not stop")
    check(m.error is None, f"member {m.name}: {m.error}")
same("records read by the group (each once)", sorted((i % 4, i // 4, f"group-{i}") for i in range(40)),
     sorted(a.records + b.records))

offsets = admin.list_consumer_group_offsets("kafka-python-group-1")
same("committed offsets (list_consumer_group_offsets)", [(GROUP_TOPIC, p, 10) for p in range(4)],
     sorted((tp.topic, tp.partition, om.offset) for tp, om in offsets.items()))

step("the group resumes after its committed offsets")
produce(GROUP_TOPIC, [(i % 4, f"key-{i}", f"group-{i}", None) for i in range(40, 48)], acks="all")
c = KafkaConsumer(**GROUP_CONF)
c.subscribe([GROUP_TOPIC])
later = []
deadline = time.monotonic() + TIMEOUT
while len(later) < 8 and time.monotonic() < deadline:
    for recs in c.poll(timeout_ms=500).values():
        later += [(r.partition, r.offset, r.value.decode()) for r in recs]
check(c.committed(TopicPartition(GROUP_TOPIC, 0)) == 10, f"committed() {c.committed(TopicPartition(GROUP_TOPIC, 0))}")
c.commit()
c.close(autocommit=False)
same("records read after the restart", sorted((i % 4, i // 4, f"group-{i}") for i in range(40, 48)), sorted(later))

step("list and describe consumer groups")
groups = dict(admin.list_consumer_groups())
check(groups.get("kafka-python-group-1") == "consumer", f"list_consumer_groups: {groups}")
desc = admin.describe_consumer_groups(["kafka-python-group-1"])
check(len(desc) == 1 and desc[0].group == "kafka-python-group-1" and desc[0].error_code == 0,
      f"describe_consumer_groups: {desc}")
check(desc[0].state == "Empty" and desc[0].members == [], f"the group after its members left: {desc[0]}")
ok(f"group kafka-python-group-1: {desc[0].state}, protocol type {desc[0].protocol_type}")

# --- admin ----------------------------------------------------------------------------------------
step("admin: create with configs, validate-only, describe and alter configs, add partitions, delete")
T = "kafka-python-admin-topic"
admin.create_topics([NewTopic(T, 2, 1, topic_configs={"retention.ms": "3600000", "cleanup.policy": "compact"})],
                    timeout_ms=TIMEOUT * 1000)
admin.create_topics([NewTopic("kafka-python-admin-validate-only", 1, 1)], timeout_ms=TIMEOUT * 1000,
                    validate_only=True)
try:
    admin.create_topics([NewTopic(T, 1, 1)], timeout_ms=TIMEOUT * 1000)
    fail("creating an existing topic succeeded")
except TopicAlreadyExistsError:
    ok("creating it again fails with TopicAlreadyExistsError")
topics = admin.list_topics()
check(T in topics, f"list_topics: {topics}")
check("kafka-python-admin-validate-only" not in topics, "a validate-only create made the topic")
described = admin.describe_topics([T])
check(len(described[0]["partitions"]) == 2 and described[0]["error_code"] == 0, f"describe_topics: {described}")
ok("created with 2 partitions; validate-only created nothing")


def describe(topic):
    (resp,) = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    ((error_code, error_message, _type, name, entries),) = resp.resources
    check(error_code == 0, f"describe_configs {topic}: error {error_code} {error_message}")
    return {e[0]: e for e in entries}


cfg = describe(T)
check(cfg["retention.ms"][1] == "3600000", f"retention.ms {cfg['retention.ms']}")
check(cfg["cleanup.policy"][1] == "compact", f"cleanup.policy {cfg['cleanup.policy']}")
ok("describe_configs shows the configs set at creation")
(resp,) = [admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, T, configs={"retention.ms": "7200000"})])]
check(all(r[0] == 0 for r in resp.resources), f"alter_configs: {resp}")
cfg = describe(T)
check(cfg["retention.ms"][1] == "7200000", f"after alter, retention.ms {cfg['retention.ms']}")
check(cfg["cleanup.policy"][1] == "delete", f"after alter (which replaces every config), {cfg['cleanup.policy']}")
ok("alter_configs replaced the topic's configs")
admin.create_partitions({T: NewPartitions(4)}, timeout_ms=TIMEOUT * 1000)
check(len(admin.describe_topics([T])[0]["partitions"]) == 4, "partitions not raised to 4")
ok("create_partitions raised the count to 4")
admin.delete_topics([T], timeout_ms=TIMEOUT * 1000)
deadline = time.monotonic() + TIMEOUT
while T in admin.list_topics() and time.monotonic() < deadline:
    time.sleep(0.2)
check(T not in admin.list_topics(), f"{T} still listed after delete_topics")
ok("delete_topics removed the topic")
try:
    admin.delete_topics([T], timeout_ms=TIMEOUT * 1000)
    fail("deleting a deleted topic succeeded")
except UnknownTopicOrPartitionError:
    ok("deleting it again fails with UnknownTopicOrPartitionError")

step("delete the consumer group")
result = admin.delete_consumer_groups(["kafka-python-group-1"])
check([(g, e.errno) for g, e in result] == [("kafka-python-group-1", 0)], f"delete_consumer_groups: {result}")
check("kafka-python-group-1" not in dict(admin.list_consumer_groups()), "the group is still listed")
ok("delete_consumer_groups removed the group")

admin.close()
print("kafka-python: all checks passed", flush=True)
