"""The fault matrix: each real failure on loopback gives its typed error, its fix, and fast.

Definitive failures must raise within 3 s with pymongo's default timeouts
(serverSelectionTimeoutMS = 30 s); ambiguous ones within the caller's
serverSelectionTimeoutMS.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote_plus

import pymongo.ssl_support
import pytest
import trustme
from conftest import PASSWORD
from pymongo import MongoClient
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)
from servers import (
    FakeDNS,
    MongoServer,
    ProxiedUri,
    SilentDNS,
    SilentServer,
    SrvClusterFactory,
    refused_port,
    server_context,
    use_fake_dns,
)

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    AuthenticationError,
    CertificateVerificationError,
    DNSResolutionError,
    NetworkAccessError,
    ServerUnreachableError,
    TLSVersionUnsupportedError,
)

DEFINITIVE_SECONDS = 3.0
ATLAS_NAME = "cluster0.abcde.mongodb.net"
# Ambiguous failures wait for the caller's timeout; keep it short here.
SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 1500, "connectTimeoutMS": 1000}


def connect_both_ways(uri: str, **keywords: Any) -> tuple[AtlasConnectError, float]:
    """connect(verify=True), then connect_async(verify=True): both must raise the same class."""
    start = time.monotonic()
    with pytest.raises(AtlasConnectError) as sync_info:
        atlasconnect.connect(uri, verify=True, **keywords)
    elapsed = time.monotonic() - start

    async def main() -> None:
        await atlasconnect.connect_async(uri, verify=True, **keywords)

    start = time.monotonic()
    with pytest.raises(AtlasConnectError) as async_info:
        asyncio.run(main())
    elapsed = max(elapsed, time.monotonic() - start)
    assert type(async_info.value) is type(sync_info.value)
    return sync_info.value, elapsed


def assert_safe(error: BaseException) -> str:
    printed = "".join(traceback.format_exception(error))
    assert PASSWORD not in printed
    assert quote_plus(PASSWORD) not in printed
    assert error.__context__ is None
    return printed


def test_untrusted_ca(mongo: MongoServer, other_ca_file: str) -> None:
    error, elapsed = connect_both_ways(mongo.uri(), tlsCAFile=other_ca_file)
    assert isinstance(error, CertificateVerificationError)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert error.reason in ("untrusted", "unverified")
    assert error.ca_file == other_ca_file
    assert other_ca_file in error.found
    assert "tlsCAFile" in error.fix
    assert "corporate-root.pem" in error.fix
    assert error.hosts == [f"localhost:{mongo.port}"]
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_expired_certificate(
    proxied_uri: ProxiedUri, expired_leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = proxied_uri(server_context(expired_leaf))
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, CertificateVerificationError)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert error.reason in ("expired", "unverified")
    assert "date -u" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_wrong_host_name(proxied_uri: ProxiedUri, ca: trustme.CA, ca_file: str) -> None:
    uri = proxied_uri(server_context(ca.issue_cert("elsewhere.example.test")))
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "hostname_mismatch"
    assert "not valid for the host name" in error.found
    assert "Database > Connect" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_tls_1_1_only_server(proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str) -> None:
    old = server_context(leaf, minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_1)
    error, elapsed = connect_both_ways(proxied_uri(old), tlsCAFile=ca_file)
    assert isinstance(error, TLSVersionUnsupportedError)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert error.min_tls_version >= ssl.TLSVersion.TLSv1_2
    assert "alert protocol version" in error.found
    assert "middlebox" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def refuse_every_client(name: str | None) -> int:
    return ssl.ALERT_DESCRIPTION_INTERNAL_ERROR


def test_ip_not_on_the_atlas_access_list(srv_cluster: SrvClusterFactory, ca_file: str) -> None:
    cluster = srv_cluster(name=ATLAS_NAME, sni_callback=refuse_every_client)
    error, elapsed = connect_both_ways(cluster.uri(), tlsCAFile=ca_file)
    assert isinstance(error, NetworkAccessError)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert sorted(h.split(":")[0] for h in error.hosts) == sorted(cluster.hosts)
    assert "IP access list" in error.why
    assert "Network Access" in error.fix
    assert "checkip" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_alert_80_outside_atlas_is_not_called_an_access_list_problem(
    srv_cluster: SrvClusterFactory, ca_file: str
) -> None:
    cluster = srv_cluster(sni_callback=refuse_every_client)
    with pytest.raises(ServerUnreachableError):
        atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, verify=True, **SHORT)


def test_wrong_password(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri().replace(quote_plus(PASSWORD), quote_plus(PASSWORD + "x"))
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, AuthenticationError)
    assert isinstance(error, OperationFailure)
    assert error.code == 18
    assert "Database Access" in error.fix
    assert "authSource=admin" in error.fix
    assert_safe(error)
    assert PASSWORD + "x" not in assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_name_does_not_exist(dns_env: FakeDNS, ca_file: str) -> None:
    uri = f"mongodb+srv://app:{quote_plus(PASSWORD)}@nothere.example.test/"
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, DNSResolutionError)
    assert isinstance(error, ConfigurationError)
    assert (error.host, error.reason) == ("nothere.example.test", "name_not_found")
    assert "Database > Connect" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_name_without_srv_record(dns_env: FakeDNS, ca_file: str) -> None:
    # The SRV name exists, with another record type: dnspython reports NoAnswer.
    dns_env.set_txt("_mongodb._tcp.nosrv.example.test", "not an SRV record")
    uri = f"mongodb+srv://app:{quote_plus(PASSWORD)}@nosrv.example.test/"
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, DNSResolutionError)
    assert isinstance(error, ConfigurationError)
    assert (error.host, error.reason) == ("nosrv.example.test", "no_srv_record")
    assert "cluster0.abcde.mongodb.net" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


def test_resolver_that_fails(dns_env: FakeDNS, ca_file: str) -> None:
    dns_env.set_servfail("_mongodb._tcp.broken.example.test")
    uri = f"mongodb+srv://app:{quote_plus(PASSWORD)}@broken.example.test/"
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, DNSResolutionError)
    assert isinstance(error, ConfigurationError)
    assert (error.host, error.reason) == ("broken.example.test", "resolver_failed")
    assert "8.8.8.8" in error.fix
    assert_safe(error)
    assert elapsed < DEFINITIVE_SECONDS


@pytest.fixture
def silent_dns() -> Iterator[None]:
    with SilentDNS() as server, use_fake_dns(server.port):
        yield


@pytest.mark.usefixtures("silent_dns")
def test_resolver_that_cannot_answer(ca_file: str) -> None:
    uri = f"mongodb+srv://app:{quote_plus(PASSWORD)}@cluster0.example.test/"
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file, **SHORT)
    assert isinstance(error, DNSResolutionError)
    assert error.reason == "resolver_failed"
    assert "1.1.1.1" in error.fix
    assert "mongodb://host1,host2" in error.fix
    assert_safe(error)
    assert elapsed < 1.5 + 1.0


def test_connection_refused(ca_file: str) -> None:
    port = refused_port()
    uri = f"mongodb://app:{quote_plus(PASSWORD)}@localhost:{port}/"
    error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file, **SHORT)
    assert isinstance(error, ServerUnreachableError)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert "connection refused" in error.found
    assert error.reason == "refused"
    assert "nothing accepts connections" in error.found
    assert f"('localhost', {port})" in error.fix
    assert_safe(error)
    assert 1.5 <= elapsed < 1.5 + 1.0


def test_listener_that_never_answers(ca_file: str) -> None:
    with SilentServer() as silent:
        uri = f"mongodb://app:{quote_plus(PASSWORD)}@localhost:{silent.port}/"
        error, elapsed = connect_both_ways(uri, tlsCAFile=ca_file, **SHORT)
    assert isinstance(error, ServerUnreachableError)
    assert f"localhost:{silent.port}" in error.found
    if pymongo.ssl_support.HAVE_PYSSL:  # pyOpenSSL says only "timed out", as for TCP
        assert error.reason in ("not_tls", "timed_out")
    else:
        assert error.reason == "not_tls"
        assert "TLS handshake never completed" in error.found
    assert f"('localhost', {silent.port})" in error.fix
    assert_safe(error)
    assert elapsed < 1.5 + 1.0


def test_one_bad_host_among_good_ones_still_connects(
    srv_cluster: SrvClusterFactory,
    leaf: trustme.LeafCert,
    expired_leaf: trustme.LeafCert,
    ca_file: str,
) -> None:
    old = server_context(leaf, minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_1)
    cluster = srv_cluster(contexts=[server_context(leaf), server_context(expired_leaf), old])
    client = atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, verify=True)
    assert client.admin.command("ping")["ok"] == 1
    client.close()


# explain(): the same diagnosis for errors the application meets later.


def lazy_failure(uri: str, **keywords: Any) -> tuple[MongoClient[Any], PyMongoError]:
    client = atlasconnect.connect(uri, **SHORT, **keywords)
    with pytest.raises(PyMongoError) as info:
        client.admin.command("ping")
    client.close()
    return client, info.value


@pytest.mark.parametrize("with_client", [True, False], ids=["client", "no-client"])
def test_explain_a_later_failure(mongo: MongoServer, other_ca_file: str, with_client: bool) -> None:
    client, exc = lazy_failure(mongo.uri(), tlsCAFile=other_ca_file)
    error = atlasconnect.explain(exc, client if with_client else None)
    assert isinstance(error, CertificateVerificationError)
    assert error.hosts == [f"localhost:{mongo.port}"]
    assert error.ca_file == (other_ca_file if with_client else None)


def test_explain_leaves_other_errors_alone() -> None:
    assert atlasconnect.explain(DuplicateKeyError("E11000 duplicate key")) is None
    assert atlasconnect.explain(ValueError("nothing to do with MongoDB")) is None
    assert atlasconnect.explain(OperationFailure("E11000 duplicate key", code=11000)) is None
    assert (
        atlasconnect.explain(OperationFailure("Regular expression is invalid", code=51091)) is None
    )
    # A connection dropped mid-operation (a failover) is for pymongo to retry.
    assert (
        atlasconnect.explain(AutoReconnect("shard-00-00.c.mongodb.net:27017: connection closed"))
        is None
    )


def raise_explained(exc: PyMongoError, client: MongoClient[Any]) -> None:
    """The idiom the README recommends."""
    try:
        raise exc
    except PyMongoError as e:
        raise atlasconnect.explain(e, client) or e from None


def test_explain_the_usual_idiom(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri().replace("authSource=admin", "authSource=nope")
    client, exc = lazy_failure(uri, tlsCAFile=ca_file)
    with pytest.raises(AuthenticationError):
        raise_explained(exc, client)


@pytest.fixture
def warnings_log(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    caplog.set_level(logging.WARNING, logger="atlasconnect")
    return lambda: [r for r in caplog.records if r.name == "atlasconnect"]


def test_without_verify_the_cause_is_logged_once(
    srv_cluster: SrvClusterFactory,
    ca_file: str,
    warnings_log: Callable[[], list[logging.LogRecord]],
) -> None:
    cluster = srv_cluster(name=ATLAS_NAME, sni_callback=refuse_every_client)
    client = atlasconnect.connect(
        cluster.uri(), tlsCAFile=ca_file, heartbeatFrequencyMS=500, serverSelectionTimeoutMS=1500
    )
    with pytest.raises(ServerSelectionTimeoutError):
        client.admin.command("ping")
    client.close()
    records = warnings_log()
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert "NetworkAccessError" in records[0].getMessage()
    assert "IP access list" in records[0].getMessage()
    assert PASSWORD not in records[0].getMessage()


def test_a_healthy_client_logs_nothing_even_when_closed(
    mongo: MongoServer, ca_file: str, warnings_log: Callable[[], list[logging.LogRecord]]
) -> None:
    client = atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file, heartbeatFrequencyMS=500)
    client.admin.command("ping")
    client.close()
    time.sleep(0.6)
    assert warnings_log() == []


def test_a_timeout_too_short_for_any_answer_names_the_hosts(ca_file: str) -> None:
    # pymongo's own server selection gives up at once with serverSelectionTimeoutMS=0;
    # verify() keeps that promise and says which servers had no time to answer. A server
    # that never answers makes it certain (a healthy one may answer before the first look).
    with SilentServer() as silent:
        uri = f"mongodb://app:{quote_plus(PASSWORD)}@localhost:{silent.port}/"
        error, _ = connect_both_ways(uri, tlsCAFile=ca_file, serverSelectionTimeoutMS=0)
    assert isinstance(error, ServerUnreachableError)
    assert error.hosts == [f"localhost:{silent.port}"]
    assert f"localhost:{silent.port} did not answer" in error.found
    assert "serverSelectionTimeoutMS (0 ms)" in error.found
    assert "raise serverSelectionTimeoutMS" in error.fix
    assert_safe(error)


def test_a_server_still_silent_at_the_timeout_is_named_with_the_timeout(ca_file: str) -> None:
    with SilentServer() as silent:
        uri = f"mongodb://app:{quote_plus(PASSWORD)}@localhost:{silent.port}/"
        with pytest.raises(ServerUnreachableError) as info:
            # The handshake's own timeout (connectTimeoutMS) is longer than the wait.
            atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True, serverSelectionTimeoutMS=500)
    assert info.value.hosts == [f"localhost:{silent.port}"]
    assert "did not answer within serverSelectionTimeoutMS (500 ms)" in info.value.found
