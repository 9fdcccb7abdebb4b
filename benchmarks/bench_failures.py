"""Time to a typed error with ``connect(verify=True)`` versus plain pymongo, per failure.

Both sides use pymongo's default timeouts (serverSelectionTimeoutMS = 30 s).
Plain pymongo is ``MongoClient(uri, tls=True, tlsCAFile=...)`` followed by a
``ping``; it raises when server selection gives up. atlasconnect raises when
its heartbeat watcher has seen every server fail in a way waiting will not
cure. The failures are real, on loopback, with the test suite's servers
(tests/servers.py). The plain-pymongo cases run concurrently to keep the run
near 30 s; they are bound by the timeout, not by the CPU.

Run: python benchmarks/bench_failures.py
"""

from __future__ import annotations

import contextlib
import datetime
import ssl
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import trustme
from pymongo import MongoClient
from pymongo.errors import PyMongoError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from servers import (  # the test harness, in tests/
    FakeDNS,
    MongoServer,
    TLSProxy,
    server_context,
    start_srv_cluster,
    use_fake_dns,
)

import atlasconnect

USER, PASSWORD = "app", "bench-Pa55word"


def time_to_error(attempt: Callable[[], Any]) -> tuple[float, str]:
    start = time.monotonic()
    try:
        attempt()
    except (PyMongoError, atlasconnect.AtlasConnectError) as exc:
        return time.monotonic() - start, type(exc).__name__
    return time.monotonic() - start, "no error"


def plain(uri: str, ca_file: str) -> Callable[[], Any]:
    def attempt() -> Any:
        client: MongoClient[dict[str, Any]] = MongoClient(uri, tls=True, tlsCAFile=ca_file)
        try:
            return client.admin.command("ping")
        finally:
            client.close()

    return attempt


def ours(uri: str, ca_file: str) -> Callable[[], Any]:
    return lambda: atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True).close()


@contextlib.contextmanager
def failures(workdir: Path) -> Iterator[dict[str, tuple[str, str]]]:
    """Start one server per failure; yield name -> (uri, CA file)."""
    ca, other_ca = trustme.CA(), trustme.CA()
    leaf = ca.issue_cert("localhost", "*.cluster0.abcde.mongodb.net")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    expired = ca.issue_cert("localhost", not_before=now - datetime.timedelta(days=9), not_after=now)
    ca_file, other_ca_file = str(workdir / "ca.pem"), str(workdir / "other.pem")
    ca.cert_pem.write_to_path(ca_file)
    other_ca.cert_pem.write_to_path(other_ca_file)
    with contextlib.ExitStack() as stack:
        upstream = stack.enter_context(MongoServer(USER, PASSWORD))
        replica = stack.enter_context(MongoServer(USER, PASSWORD, replica_set="rs"))
        dns_server = stack.enter_context(FakeDNS())
        stack.enter_context(use_fake_dns(dns_server.port))

        def proxy(context: ssl.SSLContext) -> str:
            front = stack.enter_context(TLSProxy(context, (upstream.host, upstream.port)))
            return upstream.uri("localhost", front.port)

        old = server_context(leaf, minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_1)
        cluster = start_srv_cluster(
            dns_server,
            replica,
            [server_context(leaf) for _ in range(3)],
            name="cluster0.abcde.mongodb.net",
            sni_callback=lambda name: ssl.ALERT_DESCRIPTION_INTERNAL_ERROR,
        )
        stack.callback(cluster.stop)
        good = proxy(server_context(leaf))
        yield {
            "untrusted CA": (good, other_ca_file),
            "expired certificate": (proxy(server_context(expired)), ca_file),
            "host name mismatch": (proxy(server_context(ca.issue_cert("other.test"))), ca_file),
            "TLS 1.1-only server": (proxy(old), ca_file),
            "IP not on access list (alert 80, 3 hosts)": (cluster.uri(), ca_file),
            "wrong password": (good.replace(quote_plus(PASSWORD), "wrong"), ca_file),
            "SRV name does not exist": (
                f"mongodb+srv://{USER}:{PASSWORD}@nothere.example.test/",
                ca_file,
            ),
        }


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        failures(Path(tmp)) as cases,
        ThreadPoolExecutor(max_workers=len(cases)) as pool,
    ):
        plain_runs = {
            name: pool.submit(time_to_error, plain(u, c)) for name, (u, c) in cases.items()
        }
        our_runs = {name: time_to_error(ours(u, c)) for name, (u, c) in cases.items()}
        plain_results = {name: future.result() for name, future in plain_runs.items()}
    width = max(map(len, cases))
    print(f"{'failure':<{width}}  {'atlasconnect':>12}  {'pymongo':>8}  {'speed-up':>8}  error")
    for name in cases:
        (ours_s, our_error), (plain_s, plain_error) = our_runs[name], plain_results[name]
        print(
            f"{name:<{width}}  {ours_s:>11.3f}s  {plain_s:>7.3f}s  {plain_s / ours_s:>7.0f}x"
            f"  {our_error} (pymongo: {plain_error})"
        )


if __name__ == "__main__":
    main()
