"""IPv6 hosts: the doctor and connect() say the same thing, in the same words.

An IPv6 address is written in brackets wherever atlasconnect writes host:port
(``[::1]:27017``, as a connection string writes it): in the doctor's report and
in connect()'s errors alike, including for the servers pymongo's own messages
write without them (``::1:27017: [Errno 111] ...``). The servers: a refused
port and a TLS proxy on ``::1`` (skipped on a machine without IPv6 loopback).
"""

from __future__ import annotations

import socket

import pytest
import trustme
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, TLSProxy, refused_port, server_context
from test_doctor_hostile import run_doctor

import atlasconnect
from atlasconnect import ServerUnreachableError, connect
from atlasconnect import _cli as cli

SECRET = "Pw9secret"


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not has_ipv6_loopback(), reason="no IPv6 loopback (::1)")


# IPv6


@needs_ipv6
@pytest.mark.parametrize("credentials", ["", f"app:{SECRET}@"], ids=["no login", "login"])
def test_ipv6_host_with_nothing_listening(credentials: str) -> None:
    port = refused_port("::1")
    uri = f"mongodb://{credentials}[::1]:{port}/?tls=true"
    code, document, printed = run_doctor(uri, "--timeout", "1")
    assert code == 16
    (host,) = document["hosts"]
    assert host["address"] == f"[::1]:{port}"
    assert [layer["name"] for layer in host["layers"]] == ["tcp"]
    error = document["verdict"]["error"]
    assert f"[::1]:{port} (connection refused)" in error["found"]
    assert f"socket.create_connection(('::1', {port}), 5)" in error["fix"]
    assert SECRET not in printed
    # connect() says the same, about the same address.
    with pytest.raises(ServerUnreachableError) as refused:
        connect(uri, verify=True, serverSelectionTimeoutMS=1000)
    assert refused.value.server_errors.keys() == {f"[::1]:{port}"}
    assert refused.value.found == error["found"]


@needs_ipv6
def test_ipv6_host_that_answers(plain_mongo: MongoServer, ca: trustme.CA, ca_file: str) -> None:
    context = server_context(ca.issue_cert("::1"))
    with TLSProxy(context, (plain_mongo.host, plain_mongo.port), host="::1") as proxy:
        uri = plain_mongo.uri("[::1]", proxy.port, tls=True, tlsCAFile=ca_file)
        code, document, _ = run_doctor(uri, "--timeout", "2")
        client = connect(uri, verify=True, serverSelectionTimeoutMS=2000)
        try:
            assert client.admin.command("ping")["ok"] == 1
        finally:
            client.close()
    assert code == cli.EXIT_OK, document["verdict"]
    (host,) = document["hosts"]
    assert host["address"] == f"[::1]:{proxy.port}"
    layers = {layer["name"]: layer["details"] for layer in host["layers"]}
    assert layers["tcp"]["peer"] == f"[::1]:{proxy.port}"
    assert layers["tls"]["verified"] is True


@pytest.mark.parametrize(
    "address", ["::1:27017", "[::1]:27017", "fe80::1%eth0:27017", "[2001:db8::7]:27018"]
)
def test_pymongo_words_for_an_ipv6_server_are_read_bracketed(address: str) -> None:
    """pymongo writes the address of its messages as "%s:%d": an IPv6 one without brackets."""
    text = (
        f"{address}: [Errno 111] Connection refused (configured timeouts: socketTimeoutMS: "
        "20000.0ms, connectTimeoutMS: 20000.0ms), Timeout: 30s, Topology Description: <...>"
    )
    error = atlasconnect.explain(ServerSelectionTimeoutError(text))
    assert isinstance(error, ServerUnreachableError)
    host, _, port = address.replace("[", "").replace("]", "").rpartition(":")
    assert error.server_errors.keys() == {f"[{host}]:{port}"}
    assert f"[{host}]:{port} (connection refused)" in error.found
