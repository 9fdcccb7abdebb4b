"""The harness itself, checked with plain pymongo (no atlasconnect).

If one of these fails, atlasconnect test failures mean nothing: the fake
servers, certificates or DNS are broken, not the library.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from typing import Any

import pytest
import trustme
from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import ConfigurationError, ServerSelectionTimeoutError
from servers import FakeDNS, MongoServer, SrvClusterFactory, TLSProxyFactory, server_context

FAST_FAIL: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}


def ping(uri: str, **kwargs: Any) -> dict[str, Any]:
    """Ping once with a fresh client.

    heartbeatFrequencyMS=500: a sync mongodb+srv:// client's SRV-polling
    thread sleeps heartbeatFrequencyMS (default 10 s) between checks of its
    stop flag, even after close(), and pymongo's atexit hook waits up to 1 s
    for each such thread: +1 s at interpreter exit per recent SRV client.
    """
    kwargs.setdefault("heartbeatFrequencyMS", 500)
    client: MongoClient[dict[str, Any]] = MongoClient(uri, **kwargs)
    try:
        return client.admin.command("ping")
    finally:
        client.close()


def test_tls_auth_ping(mongo: MongoServer, ca_file: str) -> None:
    assert ping(mongo.uri(tls=True, tlsCAFile=ca_file)) == {"ok": 1.0}


def test_uri_escapes_password(mongo: MongoServer) -> None:
    assert mongo.password not in mongo.uri()
    assert "s3cr3t%2FP%40ss%3Aword%25" in mongo.uri()


def test_proxy_records_sni(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    proxy = tls_proxy(server_context(leaf), (plain_mongo.host, plain_mongo.port))
    assert ping(plain_mongo.uri("localhost", proxy.port, tls=True, tlsCAFile=ca_file))["ok"] == 1
    assert proxy.sni_names
    assert set(proxy.sni_names) == {"localhost"}


def test_proxy_ip_literal_sends_no_sni(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    proxy = tls_proxy(server_context(leaf), (plain_mongo.host, plain_mongo.port))
    assert ping(plain_mongo.uri("127.0.0.1", proxy.port, tls=True, tlsCAFile=ca_file))["ok"] == 1
    assert proxy.sni_names
    assert set(proxy.sni_names) == {None}


def test_proxy_stalled_client_blocks_nobody(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    proxy = tls_proxy(server_context(leaf), (plain_mongo.host, plain_mongo.port))
    uri = plain_mongo.uri("localhost", proxy.port, tls=True, tlsCAFile=ca_file)
    with socket.create_connection((proxy.host, proxy.port)) as stalled:
        assert ping(uri)["ok"] == 1
        start = time.monotonic()
        proxy.stop()
        assert time.monotonic() - start < 0.5
        assert stalled.recv(1) == b""  # closed by stop(), not left hanging


def test_tls11_only_server_fails_fast(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    ctx = server_context(leaf, minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_1)
    proxy = tls_proxy(ctx, (plain_mongo.host, plain_mongo.port))
    start = time.monotonic()
    with pytest.raises(ServerSelectionTimeoutError, match=r"(?i)protocol.version"):
        ping(plain_mongo.uri("localhost", proxy.port, tls=True, tlsCAFile=ca_file), **FAST_FAIL)
    assert time.monotonic() - start < 3


def test_sni_alert(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    proxy = tls_proxy(
        server_context(leaf),
        (plain_mongo.host, plain_mongo.port),
        sni_callback=lambda name: ssl.ALERT_DESCRIPTION_INTERNAL_ERROR,
    )
    with pytest.raises(ServerSelectionTimeoutError, match=r"(?i)alert internal error"):
        ping(plain_mongo.uri("localhost", proxy.port, tls=True, tlsCAFile=ca_file), **FAST_FAIL)


def test_srv_ping(srv_cluster: SrvClusterFactory, ca_file: str) -> None:
    cluster = srv_cluster(txt="authSource=admin")
    assert cluster.uri().startswith("mongodb+srv://app:")
    assert ping(cluster.uri(tlsCAFile=ca_file))["ok"] == 1
    # The driver probed every SRV target, each with its own name as SNI.
    for host, proxy in zip(cluster.hosts, cluster.proxies, strict=True):
        assert host in proxy.sni_names


def test_srv_ping_async(srv_cluster: SrvClusterFactory, ca_file: str) -> None:
    cluster = srv_cluster()

    async def main() -> dict[str, Any]:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(cluster.uri(tlsCAFile=ca_file))
        try:
            return await client.admin.command("ping")
        finally:
            await client.close()

    assert asyncio.run(main())["ok"] == 1


def test_srv_standalone_behind_three_seeds_is_dropped(
    dns_env: FakeDNS,
    plain_mongo: MongoServer,
    tls_proxy: TLSProxyFactory,
    leaf: trustme.LeafCert,
    ca_file: str,
) -> None:
    """Why SrvCluster uses a replica set: SDAM drops a standalone found via several seeds."""
    proxy = tls_proxy(server_context(leaf), (plain_mongo.host, plain_mongo.port))
    hosts = [f"shard-00-0{i}.cluster0.example.test" for i in range(3)]
    dns_env.set_srv("_mongodb._tcp.cluster0.example.test", [(h, proxy.port) for h in hosts])
    with pytest.raises(ServerSelectionTimeoutError, match="No servers available"):
        ping(plain_mongo.uri("cluster0.example.test", srv=True, tlsCAFile=ca_file), **FAST_FAIL)


def test_srv_unknown_name_is_nxdomain(dns_env: FakeDNS, mongo: MongoServer) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        ping(mongo.uri("nowhere.example.test", srv=True), **FAST_FAIL)


def test_dns_servfail(dns_env: FakeDNS, mongo: MongoServer) -> None:
    dns_env.set_servfail("_mongodb._tcp.cluster0.example.test")
    with pytest.raises(ConfigurationError, match="All nameservers failed"):
        ping(mongo.uri("cluster0.example.test", srv=True), **FAST_FAIL)
