"""confluent-kafka (Debian 12's python3-confluent-kafka 1.7.0 on librdkafka 2.0.2) against a running
server, as a user drives it. Usage: /usr/bin/python3 confluent_kafka_check.py BOOTSTRAP

Exits non-zero with a message on the first mismatch; the whole run is bounded by an alarm and every
call by its own timeout. Topics: confluent-codec-<codec>, confluent-idempotent, confluent-group,
confluent-admin-*; the Java test checks afterwards how confluent-codec-<codec> was stored.
"""
import signal
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import (AdminClient, ConfigResource, NewPartitions, NewTopic)

BOOTSTRAP = sys.argv[1]
TIMEOUT = 30  # seconds, for any one call or wait
PAD = "watershed-" * 40  # compressible: librdkafka sends a batch uncompressed if that is smaller


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


def on_alarm(signum, frame):
    fail("the whole run took longer than its bound")


signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(240)

BASE = {"bootstrap.servers": BOOTSTRAP, "socket.timeout.ms": 10000}
admin = AdminClient(dict(BASE))


def wait_all(futures, what):
    for key, fut in futures.items():
        try:
            fut.result(timeout=TIMEOUT)
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            fail(f"{what} {key}: {e!r}")


def create_topic(name, partitions, config=None):
    wait_all(admin.create_topics([NewTopic(name, partitions, 1, config=config or {})],
                                 operation_timeout=TIMEOUT, request_timeout=TIMEOUT),
             "create_topics")


def produce(topic, records, **conf):
    """Produces (partition or None, key, value, headers) records and returns the delivery reports."""
    reports, errors = [], []

    def delivered(err, msg):
        if err is not None:
            errors.append((msg.key(), err))
        else:
            reports.append((msg.partition(), msg.offset(), msg.key().decode(), msg.value().decode()))

    p = Producer({**BASE, "message.timeout.ms": TIMEOUT * 1000, **conf})
    for part, key, value, headers in records:
        kwargs = {"key": key, "value": value, "headers": headers, "on_delivery": delivered}
        if part is not None:
            kwargs["partition"] = part
        p.produce(topic, **kwargs)
        p.poll(0)
    left = p.flush(TIMEOUT)
    check(left == 0, f"{topic}: {left} records still undelivered after {TIMEOUT}s")
    check(not errors, f"{topic}: delivery errors {errors[:5]}")
    check(len(reports) == len(records), f"{topic}: {len(reports)} reports for {len(records)} records")
    return reports


def read_partitions(topic, partitions, count):
    """Reads count records from the beginning of the partitions (no group offsets involved)."""
    c = Consumer({**BASE, "group.id": "confluent-reader-" + uuid.uuid4().hex, "enable.auto.commit": False,
                  "enable.partition.eof": False})
    c.assign([TopicPartition(topic, p, 0) for p in partitions])
    out = []
    deadline = time.monotonic() + TIMEOUT
    while len(out) < count and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        check(m.error() is None, f"{topic}: consume error {m.error()}")
        out.append((m.partition(), m.offset(), m.key().decode(), m.value().decode(),
                    [(k, v.decode()) for k, v in (m.headers() or [])]))
    extra = c.poll(1.0)
    c.close()
    check(len(out) == count, f"{topic}: read {len(out)} records within {TIMEOUT}s, expected {count}")
    check(extra is None or extra.error() is not None,
          f"{topic}: an unexpected record after the {count} produced: {extra and extra.value()}")
    return out


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


# --- produce and consume with every codec -------------------------------------------------------
N = 30
for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
    topic = f"confluent-codec-{codec}"
    step(f"produce {N} records to {topic} with compression.type={codec}, acks=all, then read them back")
    records = [(None, f"key-{i}", f"{codec}-{i}-{PAD}", [("client", b"confluent-kafka"), ("i", str(i).encode())])
               for i in range(N)]
    reports = produce(topic, records, **{"compression.type": codec, "acks": "all", "linger.ms": 50})
    same(f"{topic} delivery reports", [(0, i, f"key-{i}", f"{codec}-{i}-{PAD}") for i in range(N)],
         sorted(reports, key=lambda r: r[1]))
    same(f"{topic} read back",
         [(0, i, f"key-{i}", f"{codec}-{i}-{PAD}", [("client", "confluent-kafka"), ("i", str(i))])
          for i in range(N)],
         read_partitions(topic, [0], N))

# --- idempotent producer -------------------------------------------------------------------------
step("idempotent producer (enable.idempotence=true) to 3 partitions: each record exactly once, in order")
create_topic("confluent-idempotent", 3)
records = [(i % 3, f"key-{i}", f"idem-{i}", None) for i in range(90)]
reports = produce("confluent-idempotent", records, **{"enable.idempotence": True, "linger.ms": 5,
                                                      "max.in.flight.requests.per.connection": 5})
by_part = {p: sorted(o for (pp, o, _, _) in reports if pp == p) for p in range(3)}
for p in range(3):
    check(by_part[p] == list(range(30)), f"partition {p} offsets {by_part[p]}, expected 0..29")
got = read_partitions("confluent-idempotent", [0, 1, 2], 90)
for p in range(3):
    same(f"confluent-idempotent partition {p} read back",
         [f"idem-{i}" for i in range(p, 90, 3)], [r[3] for r in got if r[0] == p])

# --- a consumer group with commits and a rebalance -----------------------------------------------
step("consumer group confluent-group-1 (cooperative-sticky): two members split 3 partitions")
create_topic("confluent-group", 3)
produce("confluent-group", [(i % 3, f"key-{i}", f"group-{i}", None) for i in range(30)], acks="all")
GROUP = {**BASE, "group.id": "confluent-group-1", "enable.auto.commit": False, "auto.offset.reset": "earliest",
         "partition.assignment.strategy": "cooperative-sticky", "session.timeout.ms": 10000,
         "heartbeat.interval.ms": 1000}
members = [Consumer(dict(GROUP)), Consumer(dict(GROUP))]


def commit_now(consumer, partitions=None):
    """Commits what the consumer has read (of the given partitions), synchronously."""
    try:
        if partitions is None:
            consumer.commit(asynchronous=False)
        else:
            positions = [tp for tp in consumer.position(partitions) if tp.offset >= 0]
            if positions:
                consumer.commit(offsets=positions, asynchronous=False)
    except Exception as e:  # noqa: BLE001
        if not (e.args and getattr(e.args[0], "code", lambda: None)() == KafkaError._NO_OFFSET):
            fail(f"commit: {e!r}")


for m in members:
    # As a user does without auto-commit: commit what was read of partitions that move away.
    m.subscribe(["confluent-group"], on_revoke=lambda consumer, parts: commit_now(consumer, parts))
seen = {0: [], 1: []}
deadline = time.monotonic() + 45
while time.monotonic() < deadline:
    for i, m in enumerate(members):
        msg = m.poll(0.2)
        if msg is not None:
            check(msg.error() is None, f"member {i}: {msg.error()}")
            seen[i].append((msg.partition(), msg.offset(), msg.value().decode()))
    assignments = [sorted(tp.partition for tp in m.assignment()) for m in members]
    if (len(seen[0]) + len(seen[1]) >= 30 and all(assignments)
            and sorted(assignments[0] + assignments[1]) == [0, 1, 2]):
        break
check(all(assignments), f"each member should own partitions, got {assignments}")
check(sorted(assignments[0] + assignments[1]) == [0, 1, 2], f"assignments overlap or miss: {assignments}")
ok(f"assignments {assignments}")
for m in members:
    commit_now(m)
all_seen = sorted(seen[0] + seen[1])
same("records read by the group (each once)", sorted((i % 3, i // 3, f"group-{i}") for i in range(30)), all_seen)
committed = members[0].committed([TopicPartition("confluent-group", p) for p in range(3)], timeout=TIMEOUT)
same("committed offsets", [("confluent-group", p, 10) for p in range(3)],
     [(tp.topic, tp.partition, tp.offset) for tp in committed])
for m in members:
    m.close()

step("the group resumes after its committed offsets")
produce("confluent-group", [(i % 3, f"key-{i}", f"group-{i}", None) for i in range(30, 36)], acks="all")
c = Consumer(dict(GROUP))
c.subscribe(["confluent-group"])
later = []
deadline = time.monotonic() + TIMEOUT
while len(later) < 6 and time.monotonic() < deadline:
    msg = c.poll(0.5)
    if msg is not None:
        check(msg.error() is None, f"consumer: {msg.error()}")
        later.append((msg.partition(), msg.offset(), msg.value().decode()))
commit_now(c)
c.close()
same("records read after the restart", sorted((i % 3, i // 3, f"group-{i}") for i in range(30, 36)), sorted(later))

step("list_groups shows the group")
groups = {g.id: g for g in admin.list_groups(timeout=TIMEOUT)}
check("confluent-group-1" in groups, f"list_groups: {sorted(groups)}")
ok(f"list_groups: confluent-group-1 state {groups['confluent-group-1'].state}")

# --- admin --------------------------------------------------------------------------------------
step("admin: create with configs, validate-only, describe and alter configs, add partitions, delete")
T = "confluent-admin-topic"
create_topic(T, 2, {"retention.ms": "3600000", "cleanup.policy": "compact"})
wait_all(admin.create_topics([NewTopic("confluent-admin-validate-only", 1, 1)], validate_only=True,
                             request_timeout=TIMEOUT), "create_topics validate_only")
md = admin.list_topics(timeout=TIMEOUT)
check(T in md.topics and len(md.topics[T].partitions) == 2, f"{T} in metadata: {md.topics.get(T)}")
check("confluent-admin-validate-only" not in md.topics, "a validate-only create made the topic")
ok("created with 2 partitions; validate-only created nothing")


def describe(topic):
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    fut = admin.describe_configs([res], request_timeout=TIMEOUT)[res]
    return {k: v for k, v in fut.result(timeout=TIMEOUT).items()}


cfg = describe(T)
check(cfg["retention.ms"].value == "3600000", f"retention.ms {cfg['retention.ms']}")
check(cfg["cleanup.policy"].value == "compact", f"cleanup.policy {cfg['cleanup.policy']}")
check(not cfg["retention.ms"].is_default, "retention.ms reported as default")
check(cfg["segment.bytes"].is_default, f"segment.bytes {cfg['segment.bytes']} not reported as default")
ok("describe_configs shows the configs set at creation")
# AlterConfigs (not incremental) replaces the topic's whole set of configs.
res = ConfigResource(ConfigResource.Type.TOPIC, T, set_config={"retention.ms": "7200000"})
wait_all(admin.alter_configs([res], request_timeout=TIMEOUT), "alter_configs")
cfg = describe(T)
check(cfg["retention.ms"].value == "7200000", f"after alter, retention.ms {cfg['retention.ms']}")
check(cfg["cleanup.policy"].value == "delete" and cfg["cleanup.policy"].is_default,
      f"after alter (which replaces every config), cleanup.policy {cfg['cleanup.policy']}")
ok("alter_configs replaced the topic's configs")
wait_all(admin.create_partitions([NewPartitions(T, 4)], request_timeout=TIMEOUT), "create_partitions")
deadline = time.monotonic() + TIMEOUT
while len(admin.list_topics(T, timeout=TIMEOUT).topics[T].partitions) != 4 and time.monotonic() < deadline:
    time.sleep(0.2)
check(len(admin.list_topics(T, timeout=TIMEOUT).topics[T].partitions) == 4, "partitions not raised to 4")
ok("create_partitions raised the count to 4")
wait_all(admin.delete_topics([T], operation_timeout=TIMEOUT, request_timeout=TIMEOUT), "delete_topics")
deadline = time.monotonic() + TIMEOUT
while T in admin.list_topics(timeout=TIMEOUT).topics and time.monotonic() < deadline:
    time.sleep(0.2)
check(T not in admin.list_topics(timeout=TIMEOUT).topics, f"{T} still listed after delete_topics")
ok("delete_topics removed the topic")
res = ConfigResource(ConfigResource.Type.TOPIC, T)
try:
    admin.describe_configs([res], request_timeout=TIMEOUT)[res].result(timeout=TIMEOUT)
    fail(f"describe_configs of the deleted topic {T} succeeded")
except Exception as e:  # noqa: BLE001
    check(getattr(e.args[0], "code", lambda: None)() == KafkaError.UNKNOWN_TOPIC_OR_PART,
          f"describe_configs of a deleted topic: {e!r}, expected UNKNOWN_TOPIC_OR_PART")
ok("describe_configs of the deleted topic fails with UNKNOWN_TOPIC_OR_PART")

print("confluent-kafka: all checks passed", flush=True)
