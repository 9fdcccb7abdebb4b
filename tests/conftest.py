"""Fixtures: real loopback servers from servers.py, shared per session.

Servers are session-scoped because they start in ~0.1 s but some stop
slowly (dnslib polls every 0.5 s); per-test state (DNS records, the
advertised replica-set address, proxies) is reset by function fixtures.
Tests that write to `mongo`/`plain_mongo` must drop their own collections.
"""

from __future__ import annotations

import datetime
import os
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from servers import (
    FakeDNS,
    MongoServer,
    NoPrimarySet,
    ProxiedUri,
    SniHook,
    SrvCluster,
    SrvClusterFactory,
    TLSProxy,
    TLSProxyFactory,
    server_context,
    start_srv_cluster,
    use_fake_dns,
)

import atlasconnect

USERNAME = "app"
# Needs URL-escaping (/ @ : %) and is distinctive enough to grep for in any
# message, repr or log that must never show it.
PASSWORD = "s3cr3t/P@ss:word%"
REPLICA_SET = "atlas-test-shard-0"


@pytest.fixture(autouse=True)
def activated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """This interpreter first on PATH, as in an activated virtualenv (and under tox), so
    that fixes say ``python -m pip`` however long this machine's paths are; the tests of
    :func:`atlasconnect._phrasing.python_command` set PATH themselves."""
    monkeypatch.setenv(
        "PATH", os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]])
    )


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def leaf(ca: trustme.CA) -> trustme.LeafCert:
    # "*.cluster0.example.test" because a wildcard covers one label only:
    # "*.example.test" does not match "shard-00-00.cluster0.example.test".
    return ca.issue_cert(
        "localhost", "127.0.0.1", "*.example.test", "*.mongodb.net", "*.cluster0.example.test"
    )


@pytest.fixture(scope="session")
def certs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("certs")


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, certs_dir: Path) -> str:
    """The trusted CA as a PEM file, for tlsCAFile=."""
    path = certs_dir / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="session")
def other_ca_file(certs_dir: Path) -> str:
    """A CA that signed none of our servers: 'certificate verify failed'."""
    path = certs_dir / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="session")
def expired_leaf(ca: trustme.CA) -> trustme.LeafCert:
    """Same names as `leaf`, signed by `ca`, but expired yesterday."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return ca.issue_cert(
        "localhost",
        "127.0.0.1",
        "*.example.test",
        "*.mongodb.net",
        "*.cluster0.example.test",
        not_before=now - datetime.timedelta(days=30),
        not_after=now - datetime.timedelta(days=1),
    )


@pytest.fixture(scope="session")
def mongo(leaf: trustme.LeafCert, certs_dir: Path) -> Iterator[MongoServer]:
    """TLS (cert `leaf`) + SCRAM standalone. URIs: `mongo.uri(tls=True, tlsCAFile=ca_file)`."""
    with tls_server(leaf, certs_dir) as server:
        yield server


def tls_server(
    leaf: trustme.LeafCert, certs_dir: Path, replica_set: str | None = None
) -> MongoServer:
    """A TLS (cert `leaf`) + SCRAM server, not started: `with tls_server(...) as server:`."""
    pem = certs_dir / "leaf.pem"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(pem))
    return MongoServer(
        USERNAME, PASSWORD, cert_file=str(pem), key_file=str(pem), replica_set=replica_set
    )


@pytest.fixture(scope="session")
def plain_mongo() -> Iterator[MongoServer]:
    """Plaintext + SCRAM standalone: the upstream for a TLSProxy."""
    with MongoServer(USERNAME, PASSWORD) as server:
        yield server


@pytest.fixture(scope="session")
def rs_tls_mongo(leaf: trustme.LeafCert, certs_dir: Path) -> Iterator[MongoServer]:
    """TLS + SCRAM single-node replica set REPLICA_SET, healthy (its member is primary).

    It advertises 127.0.0.1:port: connect with `rs_tls_mongo.uri("127.0.0.1", ...)`.
    """
    with tls_server(leaf, certs_dir, replica_set=REPLICA_SET) as server:
        yield server


@pytest.fixture(scope="session")
def no_primary_set(leaf: trustme.LeafCert, certs_dir: Path) -> Iterator[NoPrimarySet]:
    """Two TLS + SCRAM members of REPLICA_SET, both secondaries: the set has no primary.

    URI: `no_primary_set.uri(tlsCAFile=ca_file)`. Reads with a secondary read preference
    work; writes and primary reads find no server. Read-only for tests.
    """
    pem = certs_dir / "leaf.pem"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(pem))
    with NoPrimarySet(
        USERNAME, PASSWORD, pem_file=str(pem), replica_set=REPLICA_SET, members=2
    ) as servers:
        yield servers


@pytest.fixture(scope="session")
def _rs_mongo_session() -> Iterator[MongoServer]:
    with MongoServer(USERNAME, PASSWORD, replica_set=REPLICA_SET) as server:
        yield server


@pytest.fixture
def rs_mongo(_rs_mongo_session: MongoServer) -> Iterator[MongoServer]:
    """Plaintext + SCRAM single-node replica set, behind proxies for SRV tests.

    Set `rs_mongo.advertise = (name, proxy_port)`; it is reset after the test.
    """
    yield _rs_mongo_session
    _rs_mongo_session.advertise = None


@pytest.fixture(scope="session")
def fake_dns() -> Iterator[FakeDNS]:
    with FakeDNS() as server:
        yield server


@pytest.fixture
def dns_env(fake_dns: FakeDNS) -> Iterator[FakeDNS]:
    """Resolve through `fake_dns` (made-up names -> 127.0.0.1) for one test."""
    try:
        with use_fake_dns(fake_dns.port):
            yield fake_dns
    finally:
        fake_dns.clear()


@pytest.fixture
def tls_proxy() -> Iterator[TLSProxyFactory]:
    """`tls_proxy(ctx, upstream=(host, port), sni_callback=None)`: started, stopped at teardown."""
    proxies: list[TLSProxy] = []

    def start(
        ctx: ssl.SSLContext, upstream: tuple[str, int], sni_callback: SniHook | None = None
    ) -> TLSProxy:
        proxy = TLSProxy(ctx, upstream, sni_callback=sni_callback)
        proxies.append(proxy)
        proxy.start()
        return proxy

    yield start
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
def proxied_uri(plain_mongo: MongoServer, tls_proxy: TLSProxyFactory) -> ProxiedUri:
    """`proxied_uri(ctx, **options)`: a URI of `plain_mongo` behind a TLS proxy speaking `ctx`."""

    def uri(ctx: ssl.SSLContext, **options: Any) -> str:
        proxy = tls_proxy(ctx, (plain_mongo.host, plain_mongo.port))
        return plain_mongo.uri("localhost", proxy.port, **options)

    return uri


@pytest.fixture
def srv_cluster(
    dns_env: FakeDNS, rs_mongo: MongoServer, leaf: trustme.LeafCert
) -> Iterator[SrvClusterFactory]:
    """`srv_cluster(name="cluster0.example.test", nodes=3, txt=..., contexts=None,
    sni_callback=None)`: a fake Atlas cluster (see servers.start_srv_cluster),
    by default three TLS 1.2+ nodes presenting `leaf`; DNS is active."""
    clusters: list[SrvCluster] = []

    def start(
        name: str = "cluster0.example.test",
        nodes: int = 3,
        txt: str | None = f"authSource=admin&replicaSet={REPLICA_SET}",
        contexts: list[ssl.SSLContext] | None = None,
        sni_callback: SniHook | None = None,
    ) -> SrvCluster:
        if contexts is None:
            contexts = [server_context(leaf) for _ in range(nodes)]
        cluster = start_srv_cluster(
            dns_env, rs_mongo, contexts, name=name, txt=txt, sni_callback=sni_callback
        )
        clusters.append(cluster)
        return cluster

    yield start
    for cluster in clusters:
        cluster.stop()


def encrypted_client_key(ca: trustme.CA, directory: Path, password: str) -> str:
    """A client certificate signed by ``ca`` with its key encrypted with ``password``, one PEM."""
    leaf = ca.issue_cert("client.example.test")
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode()),
    )
    path = directory / "client.pem"
    path.write_bytes(encrypted + leaf.cert_chain_pems[0].bytes())
    return str(path)


@pytest.fixture
def injected() -> Iterator[None]:
    """atlasconnect.inject_into_pymongo() for one test, extracted again whatever happens."""
    atlasconnect.inject_into_pymongo()
    try:
        yield
    finally:
        atlasconnect.extract_from_pymongo()
