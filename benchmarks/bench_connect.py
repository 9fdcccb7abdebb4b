"""Cost of ``atlasconnect.connect()`` over plain pymongo, per client created.

Times ``connect(uri, connect=False)`` against
``MongoClient(uri, tls=True, tlsCAFile=certifi.where(), connect=False)``,
interleaved in one process so that both see the same machine state, and
prints the median ratio. Target: <= 1.05, i.e. the environment check is not
paid per call. No server is needed: ``connect=False`` opens no connection.

Also, with no target, what a framework pays for ``client_options()`` and then
its own ``MongoClient(uri, **options)``: ``client_options()`` decides on a
client pymongo builds from its result (and closes), so about twice one client.

Run: python benchmarks/bench_connect.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import certifi
from pymongo import MongoClient

import atlasconnect

URI = "mongodb://app:s3cret@db0.example.test:27017,db1.example.test:27017/?replicaSet=rs0"


def _time_one(make_client: Callable[[], MongoClient[dict[str, Any]]]) -> float:
    start = time.perf_counter()
    client = make_client()
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed


def plain() -> MongoClient[dict[str, Any]]:
    return MongoClient(URI, tls=True, tlsCAFile=certifi.where(), connect=False)


def with_atlasconnect() -> MongoClient[dict[str, Any]]:
    return atlasconnect.connect(URI, connect=False)


def with_client_options() -> MongoClient[dict[str, Any]]:
    uri, options = atlasconnect.client_options(URI)
    return MongoClient(uri, **options, connect=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with_atlasconnect().close()  # the once-per-process environment check, not timed
    ratios, plain_times, ours, option_ratios = [], [], [], []
    for _ in range(rounds):
        p = _time_one(plain)
        a = _time_one(with_atlasconnect)
        o = _time_one(with_client_options)
        plain_times.append(p)
        ours.append(a)
        ratios.append(a / p)
        option_ratios.append(o / p)
    print(f"rounds: {rounds}")
    print(f"MongoClient(...)       median {statistics.median(plain_times) * 1e3:.2f} ms")
    print(f"atlasconnect.connect() median {statistics.median(ours) * 1e3:.2f} ms")
    print(f"median ratio connect/MongoClient: {statistics.median(ratios):.3f} (target <= 1.05)")
    print(
        "median ratio client_options() + MongoClient / MongoClient: "
        f"{statistics.median(option_ratios):.3f}"
    )


if __name__ == "__main__":
    main()
