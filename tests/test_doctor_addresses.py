"""IPv6 and Unix-socket hosts: the doctor and connect() say the same thing.

An IPv6 address is written in brackets wherever atlasconnect writes host:port
(``[::1]:27017``, as a connection string writes it): in the doctor's report and
in connect()'s errors alike, including for the servers pymongo's own messages
write without them (``::1:27017: [Errno 111] ...``). A Unix domain socket
(``mongodb://%2Ftmp%2Fmongodb-27017.sock``) cannot carry the TLS atlasconnect
always verifies, since no certificate names a path: connect() refuses it at
once, and the doctor's connection-string layer with it, before any network
step. The servers: a refused port and a TLS proxy on ``::1`` (skipped on a
machine without IPv6 loopback), and a real ``AF_UNIX`` listener.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import trustme
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, TLSProxy, refused_port, server_context
from test_doctor_hostile import run_doctor

import atlasconnect
from atlasconnect import ConnectionStringError, ServerUnreachableError, connect
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
        connect(uri, verify=True, serverSelectionTimeoutMS=500)
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


# Unix domain sockets

SOCKET = "/run/mongodb/mongodb-27017.sock"  # mongod's default is /tmp/mongodb-27017.sock
SOCKETS = {  # the URI, and the socket it names
    "socket, tls=true": (f"mongodb://{quote(SOCKET, safe='')}/?tls=true", SOCKET),
    "no such socket, a login": (
        f"mongodb://app:{SECRET}@%2Fnonexistent%2Fmongodb-1.sock/",
        "/nonexistent/mongodb-1.sock",
    ),
    "socket among hosts": (
        f"mongodb://app:{SECRET}@127.0.0.1:1,{quote(SOCKET, safe='')}/?authSource=admin",
        SOCKET,
    ),
}


@pytest.mark.parametrize(("uri", "path"), SOCKETS.values(), ids=SOCKETS.keys())
def test_a_unix_socket_is_refused_by_connect_and_the_doctor_alike(uri: str, path: str) -> None:
    with pytest.raises(ConnectionStringError) as refused:
        connect(uri, connect=False).close()
    with pytest.raises(ConnectionStringError):
        atlasconnect.client_options(uri)
    code, document, printed = run_doctor(uri, "--timeout", "1")
    assert code == 11
    assert [layer["name"] for layer in document["layers"]] == ["environment", "connection_string"]
    assert document["hosts"] == []
    error = document["verdict"]["error"]
    assert error["type"] == "ConnectionStringError"
    assert error["found"] == refused.value.found
    assert f"a Unix domain socket, {path}" in error["found"]
    assert "no certificate names a path" in error["why"]
    assert "mongodb://localhost:27017/?tls=true" in error["fix"]
    assert SECRET not in printed
    assert SECRET not in str(refused.value)


def test_a_socket_that_a_server_listens_on_is_never_connected_to(tmp_path: Path) -> None:
    """The refusal comes before any network step: the listener never sees a connection."""
    path = tmp_path / "mongodb-27017.sock"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        listener.listen()
        listener.setblocking(False)
        result = subprocess.run(
            [sys.executable, "-m", "atlasconnect", "doctor", f"mongodb://{quote(str(path), '')}/"],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
            timeout=60,
            check=False,
        )
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 11, result.stdout
    uri_line = next(line for line in result.stdout.splitlines() if line.startswith("[FAIL] URI"))
    assert f"names a Unix domain socket, {path}" in uri_line
    assert "[  ok] DNS" not in result.stdout
    assert "Verdict: ConnectionStringError (configuration, exit status 11)" in result.stdout


def test_a_socket_path_given_as_pymongo_host_is_refused_too() -> None:
    with pytest.raises(ConnectionStringError, match=re.escape(f"Unix domain socket, {SOCKET}")):
        connect(host=SOCKET, connect=False)


def test_a_host_name_that_merely_contains_sock_is_a_host(dns_env: Any) -> None:
    """pymongo's rule: a socket is a host that ends with ".sock"; others are host names."""
    client = connect(f"mongodb://sockets.example.test:{refused_port()}/", connect=False)
    client.close()
