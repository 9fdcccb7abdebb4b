"""connect(verify=True) when the verification ping itself cannot connect.

A ``loadBalanced=true`` client (Atlas serverless and Flex) has no monitors:
its first connection is the ping's, and pymongo reports that connection's
failure as a plain AutoReconnect. A server that answers the monitor but
closes the next connection does the same on any topology. Each must still
be the typed, explained error, sync and async.
"""

from __future__ import annotations

import itertools
import socket
import ssl
from typing import Any
from urllib.parse import quote_plus

import pytest
import trustme
from conftest import PASSWORD
from pymongo.errors import AutoReconnect
from servers import (
    MongoServer,
    SrvClusterFactory,
    TLSProxy,
    TLSProxyFactory,
    refused_port,
    server_context,
)
from test_diagnosis import assert_safe, connect_both_ways

import atlasconnect
from atlasconnect import (
    CertificateVerificationError,
    NetworkAccessError,
    ServerUnreachableError,
    TLSVersionRefusedError,
)

SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 1500, "connectTimeoutMS": 1000}


class ServesFirstConnectionsOnly(TLSProxy):
    """A TLS front end that serves its first `serve` connections and closes every later one."""

    def __init__(self, ctx: ssl.SSLContext, upstream: tuple[str, int], *, serve: int) -> None:
        super().__init__(ctx, upstream)
        self._accepted = itertools.count()
        self._serve_count = serve

    def _serve(self, conn: socket.socket) -> None:
        if next(self._accepted) < self._serve_count:
            super()._serve(conn)
        else:
            conn.close()


@pytest.fixture
def closing_front_end(plain_mongo: MongoServer, leaf: trustme.LeafCert) -> Any:
    """`closing_front_end(serve=N)`: the port of a front end of `plain_mongo` closing after N."""
    proxies: list[TLSProxy] = []

    def start(serve: int) -> int:
        proxy = ServesFirstConnectionsOnly(
            server_context(leaf), (plain_mongo.host, plain_mongo.port), serve=serve
        )
        proxies.append(proxy)
        proxy.start()
        return proxy.port

    yield start
    for proxy in proxies:
        proxy.stop()


def load_balanced(uri: str) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}loadBalanced=true"


def test_load_balanced_refused_port(ca_file: str) -> None:
    uri = f"mongodb://app:{quote_plus(PASSWORD)}@localhost:{refused_port()}/"
    error, _ = connect_both_ways(load_balanced(uri), tlsCAFile=ca_file, **SHORT)
    assert isinstance(error, ServerUnreachableError)
    assert isinstance(error, AutoReconnect)
    assert error.hosts == [uri.rsplit("@", 1)[1].rstrip("/")]
    assert "connection refused" in error.found
    assert error.reason == "refused"
    assert f"('localhost', {uri.rsplit(':', 1)[1].rstrip('/')})" in error.fix
    assert_safe(error)


def test_load_balanced_untrusted_ca(mongo: MongoServer, other_ca_file: str) -> None:
    error, _ = connect_both_ways(load_balanced(mongo.uri()), tlsCAFile=other_ca_file)
    assert isinstance(error, CertificateVerificationError)
    assert error.reason in ("untrusted", "unverified")  # pyOpenSSL does not say which
    assert error.ca_file == other_ca_file
    assert error.hosts == [f"localhost:{mongo.port}"]
    assert "tlsCAFile" in error.fix
    assert_safe(error)


def test_load_balanced_tls_1_1_only_front_end(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    old = server_context(leaf, minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_1)
    proxy = tls_proxy(old, (plain_mongo.host, plain_mongo.port))
    uri = load_balanced(plain_mongo.uri("localhost", proxy.port))
    error, _ = connect_both_ways(uri, tlsCAFile=ca_file)
    assert isinstance(error, TLSVersionRefusedError)
    assert error.hosts == [f"localhost:{proxy.port}"]
    assert "alert protocol version" in error.found
    assert_safe(error)


def test_load_balanced_server_that_accepts_then_closes(
    plain_mongo: MongoServer, closing_front_end: Any, ca_file: str
) -> None:
    port = closing_front_end(serve=0)
    uri = load_balanced(plain_mongo.uri("localhost", port))
    error, _ = connect_both_ways(uri, tlsCAFile=ca_file, **SHORT)
    assert isinstance(error, ServerUnreachableError)
    assert error.hosts == [f"localhost:{port}"]
    assert "connection closed" in error.found
    assert_safe(error)


def test_load_balanced_from_the_txt_record(
    srv_cluster: SrvClusterFactory, other_ca_file: str
) -> None:
    # Atlas serverless publishes loadBalanced=true in the TXT record, with a single SRV target.
    cluster = srv_cluster(
        name="serverless0.abcde.mongodb.net", nodes=1, txt="authSource=admin&loadBalanced=true"
    )
    error, _ = connect_both_ways(cluster.uri(), tlsCAFile=other_ca_file)
    assert isinstance(error, CertificateVerificationError)
    assert [host.split(":")[0] for host in error.hosts] == cluster.hosts
    assert_safe(error)


def test_serverless_host_that_closes_every_connection_is_an_access_list_problem(
    srv_cluster: SrvClusterFactory, ca_file: str
) -> None:
    # Without monitors, Atlas's "IP not on the access list" alert reaches the ping only.
    cluster = srv_cluster(
        name="serverless0.abcde.mongodb.net",
        nodes=1,
        txt="authSource=admin&loadBalanced=true",
        sni_callback=lambda name: ssl.ALERT_DESCRIPTION_INTERNAL_ERROR,
    )
    error, _ = connect_both_ways(cluster.uri(), tlsCAFile=ca_file)
    assert isinstance(error, NetworkAccessError)
    assert "IP access list" in error.why
    assert_safe(error)


def test_server_that_answers_the_monitor_then_closes_the_ping(
    plain_mongo: MongoServer, closing_front_end: Any, ca_file: str
) -> None:
    port = closing_front_end(serve=1)
    uri = plain_mongo.uri("localhost", port)
    with pytest.raises(ServerUnreachableError) as info:
        atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True, **SHORT)
    assert info.value.hosts == [f"localhost:{port}"]
    assert "connection closed" in info.value.found
    assert_safe(info.value)


def test_explain_a_load_balanced_failure_met_later(mongo: MongoServer, other_ca_file: str) -> None:
    client = atlasconnect.connect(load_balanced(mongo.uri()), tlsCAFile=other_ca_file)
    with pytest.raises(AutoReconnect) as info:
        client.admin.command("ping")
    client.close()
    error = atlasconnect.explain(info.value, client)
    assert isinstance(error, CertificateVerificationError)
    assert error.ca_file == other_ca_file
    assert error.hosts == [f"localhost:{mongo.port}"]
