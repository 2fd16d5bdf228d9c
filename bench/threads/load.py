#!/usr/bin/env python3
# Drives the Netty doors of a running server (Kafka, Kinesis, admin HTTP) at once for about 15 s,
# sampling its thread count, then prints the peak and the threads by name.
# Usage: load.py PORTS_JSON PID   (bench/threads/threads.sh runs it)
import collections
import json
import os
import re
import sys
import threading
import time
import urllib.request

import boto3
from kafka import KafkaConsumer, KafkaProducer

ports = json.load(open(sys.argv[1]))
pid = sys.argv[2]
stop = time.time() + 15


def kafka_produce(i):
    p = KafkaProducer(bootstrap_servers=f"127.0.0.1:{ports['kafka']}", acks="all")
    n = 0
    while time.time() < stop and n < 20000:
        p.send(f"load-{i % 2}", b"x" * 200)
        n += 1
    p.flush()
    p.close()


def kafka_consume(i):
    c = KafkaConsumer(f"load-{i}", bootstrap_servers=f"127.0.0.1:{ports['kafka']}",
                      group_id=f"g{i}", auto_offset_reset="earliest", consumer_timeout_ms=3000)
    for _ in c:
        if time.time() > stop:
            break
    c.close()


def kinesis(i):
    k = boto3.client("kinesis", endpoint_url=f"http://127.0.0.1:{ports['kinesis']}",
                     region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    if i == 0:
        try:
            k.create_stream(StreamName="load", ShardCount=2)
        except Exception:
            pass
    time.sleep(1.5)
    n = 0
    while time.time() < stop and n < 2000:
        try:
            k.put_record(StreamName="load", Data=b"x" * 100, PartitionKey=str(n))
        except Exception:
            time.sleep(0.2)
        n += 1


def admin(i):
    while time.time() < stop:
        urllib.request.urlopen(f"http://127.0.0.1:{ports['http']}/api/v1/topics").read()
        time.sleep(0.05)


workers = [threading.Thread(target=f, args=(i,))
           for f in (kafka_produce, kafka_consume, kinesis, admin) for i in range(2)]
for t in workers:
    t.start()
peak = 0
while any(t.is_alive() for t in workers):
    peak = max(peak, len(os.listdir(f"/proc/{pid}/task")))
    time.sleep(0.5)
names = collections.Counter(
    re.sub(r"[-#]?\d+$", "", open(f"/proc/{pid}/task/{t}/comm").read().strip())
    for t in os.listdir(f"/proc/{pid}/task"))
print("threads after load:", sum(names.values()), "peak:", peak)
for name, count in names.most_common():
    print(f"  {count:3d} {name}")
