"""Cost of a fresh process's first ``atlasconnect.connect()`` over plain pymongo.

A serverless function (AWS Lambda, Cloud Run) pays for every millisecond of a
fresh process. Each sample is a new Python process that imports and builds
one client without connecting, the two kinds interleaved:

- ``import certifi, pymongo; MongoClient(uri, tls=True, tlsCAFile=certifi.where(), connect=False)``
- ``import atlasconnect; atlasconnect.connect(uri, connect=False)``
- ``import atlasconnect; atlasconnect.inject_into_pymongo(); MongoClient(uri, connect=False)``
  (every client of the process under the policy, as ``atlasconnect run`` gives it)

timed inside the process from before the imports to after ``close()``. It
prints the medians and the median of the ratios of each interleaved pair
(fresh processes vary by tens of milliseconds: pairing cancels the drift of
the machine). Target: <= 1.10. No server is needed.

Run: python benchmarks/bench_cold_start.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

URI = "mongodb://app:s3cret@db0.example.test:27017,db1.example.test:27017/?replicaSet=rs0"

_TIMED = "import time\nstart = time.perf_counter()\n{body}\nprint(time.perf_counter() - start)\n"
PLAIN = _TIMED.format(
    body="import certifi\nfrom pymongo import MongoClient\n"
    f"MongoClient({URI!r}, tls=True, tlsCAFile=certifi.where(), connect=False).close()"
)
ATLASCONNECT = _TIMED.format(
    body=f"import atlasconnect\natlasconnect.connect({URI!r}, connect=False).close()"
)
INJECTED = _TIMED.format(
    body="import atlasconnect\natlasconnect.inject_into_pymongo()\n"
    f"from pymongo import MongoClient\nMongoClient({URI!r}, connect=False).close()"
)


def _seconds(code: str) -> float:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    rounds = parser.parse_args().rounds
    plain, ours, injected = [], [], []
    for _ in range(rounds):
        plain.append(_seconds(PLAIN))
        ours.append(_seconds(ATLASCONNECT))
        injected.append(_seconds(INJECTED))
    print(f"rounds: {rounds} fresh processes each")
    print(f"import + MongoClient(...)       median {statistics.median(plain) * 1e3:.1f} ms")
    print(f"import + atlasconnect.connect() median {statistics.median(ours) * 1e3:.1f} ms")
    print(f"inject + MongoClient(...)       median {statistics.median(injected) * 1e3:.1f} ms")
    for name, samples in (("connect()", ours), ("injected", injected)):
        ratios = [a / p for a, p in zip(samples, plain, strict=True)]
        print(f"median ratio, {name}: {statistics.median(ratios):.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
