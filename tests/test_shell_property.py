"""Property: pasting any command of any fix runs what it says, whatever the input held.

Hostile values (shell syntax, quotes, ``$()``, backquotes, newlines, unicode)
reach fixes the way real input does: a pasted error text naming a host, a
connection string's host, user name or ``srvServiceName``, a replica-set name
a server answered with, the names in a certificate a server presented, the
path of this interpreter. Every command the error's why, fix and cli_fix
delimit is run in bash among stub programs (``shell.py``): it must run the
program it names with the words it shows, nothing else, and create no file.
A few hundred examples in all: each bash run costs a few milliseconds.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import certifi
import dns.resolver
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo.errors import OperationFailure
from shell import BASH, StubShell, assert_runs_only_what_it_says, commands_in, commands_in_text

import atlasconnect
from atlasconnect import AtlasConnectError
from atlasconnect import _connection_string as connection_string
from atlasconnect import _diagnosis as diagnosis
from atlasconnect import _doctor as doctor
from atlasconnect import _doctor_dns as doctor_dns
from atlasconnect import _doctor_layers as doctor_layers
from atlasconnect import _doctor_text as doctor_text
from atlasconnect import _tls as tls
from atlasconnect import _tls_files as tls_files
from atlasconnect._pasted import explain_text
from atlasconnect._plan import ConnectionPlan
from atlasconnect._settings import Option, Place

pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")

RUNNERS = [
    "$(canary)",
    "`canary`",
    ";canary",
    "\ncanary\n",
    "';canary;'",
    '";canary;"',
    "|canary",
    "&&canary",
    "$(touch x)",
    "'),__import__('os').system('canary'),('",  # ends a Python string literal early
]
"""Pieces that run a program when a shell (or Python) reads them unquoted."""
SHELL_SYNTAX = [
    "`",
    "\rcanary",
    "&canary&",
    "${IFS}canary",
    ">canary-file",
    "<",
    "'",
    '"',
    "\\",
    "!",
    "!!",
    "#",
    "~",
    "*",
    "?",
    "[a]",
    "%PATH%",
    "^",
    " ",
    "\t",
    "-",
    "--",
    "=",
    "{host}",
    "é",
    "\u202e",  # right-to-left override
    "\u2028",  # line separator
    "\uff11",  # fullwidth digit one
    "\u201c",  # PowerShell's double quote
]
"""Other characters shells, Python or terminals read specially."""
LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
VALID_HOSTS = st.lists(LABEL, min_size=1, max_size=4).map(".".join)
HOSTILE = st.lists(
    st.one_of(st.sampled_from(RUNNERS), st.sampled_from(SHELL_SYNTAX), LABEL, st.just(".")),
    min_size=1,
    max_size=6,
).map("".join)
HOSTILE = st.one_of(
    HOSTILE, st.tuples(HOSTILE, st.sampled_from(RUNNERS), HOSTILE).map("".join)
)  # a runner in every other value
HOSTS = st.one_of(
    VALID_HOSTS,
    HOSTILE,
    HOSTILE,
    st.sampled_from(["::1", "2001:db8::1", "fe80::1%eth0", "fe80::1%$(canary)", "127.0.0.1"]),
    st.text(max_size=12),
)
# Names shown in the text around commands (a user, a replica set, a certificate's issuer),
# where only backquotes are dangerous: every other one holds a pair.
NAMES = st.one_of(HOSTILE, st.tuples(HOSTILE, st.just("`canary`"), HOSTILE).map("".join))
PORTS = st.one_of(
    st.integers(0, 70000).map(str),
    st.sampled_from(["\u0663", "027017", "0x10", "1$(canary)", "27017;canary"]),
)


def examples(count: int) -> settings:
    """``count`` examples, as slow as bash makes them."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> StubShell:
    return StubShell(tmp_path_factory.mktemp("shell"))


def assert_safe(shell: StubShell, commands: list[str], interpreters: tuple[str, ...] = ()) -> None:
    for command in commands:
        assert_runs_only_what_it_says(shell, command, interpreters)


# Pasted texts: explain() reads host names, ports and set names from them.

PASTED = [
    "{host}:{port}: [Errno 111] Connection refused",
    "<{host}>:{port}: [Errno 111] Connection refused",
    "[{host}]:{port}: timed out",
    "SSL handshake failed: {host}:{port}: _ssl.c:989: The handshake operation timed out",
    "{host}:{port}: [Errno -2] Name or service not known",
    "<{host}>:{port}: connection closed",
    "pymongo.errors.ServerSelectionTimeoutError: {host}:{port}: timed out, Timeout: 30s, "
    "Topology Description: <TopologyDescription id: 1, topology_type: Unknown, servers: "
    "[<ServerDescription ('{host}', {port}) server_type: Unknown, rtt: None, "
    "error=AutoReconnect('{host}:{port}: [Errno 111] Connection refused')>]>",
    "<{host}>:{port}: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable "
    "to get local issuer certificate (_ssl.c:1006)",
    "<{host}>:{port}: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version",
    "The DNS query name does not exist: _mongodb._tcp.{host}.",
    "The DNS operation timed out after 20.0 seconds: _mongodb._tcp.{host}.",
    'No replica set members available for replica set name "{host}", Timeout: 30s',
    "pymongo.errors.AutoReconnect: {host}:{port}: not primary",
]


@examples(100)
@given(template=st.sampled_from(PASTED), host=HOSTS, port=PORTS)
def test_explaining_a_pasted_text(shell: StubShell, template: str, host: str, port: str) -> None:
    error = explain_text(template.replace("{host}", host).replace("{port}", port))
    assert_safe(shell, commands_in(error))


# Connection strings: the doctor's DNS failures, connect()'s own errors, a refused login.


def target(uri: str) -> doctor_layers.Target:
    """What the doctor's global layers learn of ``uri``, as they learn it."""
    plan = ConnectionPlan.of(connection_string.parse(uri), tls.DEFAULT_MIN_TLS_VERSION, {})
    return doctor_layers.Target(plan)


URI_SAFE = HOSTS.filter(lambda host: "\x00" not in host)


@examples(50)
@given(
    host=URI_SAFE,
    service=st.one_of(st.just("mongodb"), HOSTILE),
    errno=st.sampled_from([socket.EAI_NONAME, socket.EAI_AGAIN]),
)
def test_the_doctors_dns_failures(shell: StubShell, host: str, service: str, errno: int) -> None:
    """Each way the doctor's DNS layer fails, for the host the URI names (the lookups'
    own answers are built as getaddrinfo and dnspython raise them)."""
    errors: list[AtlasConnectError | None] = []
    try:
        plain = target(f"mongodb://{host}:27017/")
        srv = target(f"mongodb+srv://{host}/?srvServiceName={quote(service, safe='')}")
    except AtlasConnectError as error:  # the URI itself is refused first
        errors.append(error)
    else:
        said = socket.gaierror(errno, "Name or service not known")
        errors.append(doctor_dns._unresolved_host(host, 27017, said, plain))
        # A DNS failure explain_dns_failure has no reason for: the doctor's generic fix.
        unforeseen = dns.resolver.YXDOMAIN()  # type: ignore[no-untyped-call]
        errors.append(doctor_dns._dns_failure(unforeseen, srv))
    assert_safe(shell, commands_in(*errors))


@examples(15)
@given(host=URI_SAFE.map(lambda host: f"{host}.invalid"))
def test_the_doctor_on_a_hostile_host(shell: StubShell, host: str) -> None:
    report = doctor.run(f"mongodb://{host}:27017/", timeout=1)
    layers = [*report.layers, *(layer for each in report.hosts for layer in each.layers)]
    assert_safe(shell, commands_in(report.error, *(layer.error for layer in layers)))


@examples(10)
@given(host=URI_SAFE.map(lambda host: f"{host}.invalid"))
def test_connect_to_a_hostile_host(shell: StubShell, host: str) -> None:
    """connect(verify=True) fails at once on a name DNS does not know; a name the IDNA
    codec refuses (an empty label) waits serverSelectionTimeoutMS: kept short."""
    with pytest.raises(AtlasConnectError) as info:
        atlasconnect.connect(
            f"mongodb://{host}:27017/",
            verify=True,
            serverSelectionTimeoutMS=300,
            connectTimeoutMS=300,
        )
    assert_safe(shell, commands_in(info.value))


@examples(30)
@given(user=NAMES, source=st.one_of(st.just("admin"), NAMES), code=st.sampled_from([18, 8000]))
def test_a_refused_login(shell: StubShell, user: str, source: str, code: int) -> None:
    uri = f"mongodb://{quote(user, safe='')}:pw@localhost:1/?authSource={quote(source, safe='')}"
    try:
        client = atlasconnect.connect(uri, connect=False)
    except AtlasConnectError as refused:
        assert_safe(shell, commands_in(refused))
        return
    client.close()
    error = atlasconnect.explain(OperationFailure("Authentication failed.", code), client)
    assert error is not None
    assert_safe(shell, commands_in(error))


# What servers said: the replica set they belong to, the certificate they presented.

UNKNOWN = diagnosis.UNKNOWN_CLIENT


@examples(40)
@given(
    wanted=NAMES,
    names=st.one_of(
        NAMES.map(lambda name: [name]),  # the one set every server named, which the fix names
        st.lists(st.one_of(st.none(), NAMES), min_size=1, max_size=3),
    ),
)
def test_a_replica_set_a_server_named(
    shell: StubShell, wanted: str, names: list[str | None]
) -> None:
    """The doctor's ``hello`` layer passes on the ``setName`` each server answered."""
    seen = {f"db{number}.example.net:27017": name for number, name in enumerate(names)}
    error = diagnosis.replica_set_mismatch_error(wanted, seen, UNKNOWN)
    assert_safe(shell, commands_in(error))


@examples(40)
@given(
    issuer=NAMES,
    names=st.lists(NAMES, max_size=3),
    sni=URI_SAFE,
    decoded=st.booleans(),
)
def test_a_presented_certificate(
    shell: StubShell, issuer: str, names: list[str], sni: str, decoded: bool
) -> None:
    """The sentences the doctor adds to a certificate failure's why, from the certificate
    the server presented (decoded as _certificate decodes it)."""
    details: dict[str, Any] = {
        "verify_message": "hostname mismatch",
        "sni": sni,
        "clock": "2026-01-01T00:00:00Z",
        "presented_certificate": {
            "decoded": decoded,
            "sha256": "ab" * 32,
            "issuer": issuer,
            "names": names,
            "likely_interceptor": None,
            "not_before": "2025-01-01T00:00:00Z",
            "not_after": "2027-01-01T00:00:00Z",
            "validity": "valid",
        },
    }
    sentences = doctor_text._evidence(f"{sni}:27017", details)
    assert_safe(shell, commands_in_text(" ".join(sentences)))


# This interpreter's path: pip fixes, the proxy fix, the doctor's environment failure.

DIRECTORY = HOSTILE.filter(lambda name: "/" not in name and name not in (".", ".."))
INTERPRETER_TEXTS = [
    "query() got an unexpected keyword argument 'lifetime'",
    'The "dnspython" module must be installed to use mongodb+srv:// URIs',
    "db0.example.net:27017: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
    "unable to get local issuer certificate (_ssl.c:1006)",
    "db0.example.net:27017: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
    "certificate has expired (_ssl.c:1006)",
]


@examples(30)
@given(directory=DIRECTORY, name=st.sampled_from(["python", "python3.12"]))
def test_this_interpreters_path(
    shell: StubShell, tmp_path_factory: pytest.TempPathFactory, directory: str, name: str
) -> None:
    """This interpreter in a directory with a hostile name, not on ``PATH``: the fixes
    name its full path, which the stub there answers to."""
    root = tmp_path_factory.mktemp("interpreter")
    path = root / directory / "bin" / name
    shell.stub(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "executable", str(path))
        patch.setenv("PATH", str(root / "nowhere"))
        errors = [explain_text(text) for text in INTERPRETER_TEXTS]
        errors.append(doctor._environment_failure(RuntimeError("unforeseen")))
        errors.append(
            tls_files.ca_file_error(certifi.where(), "empty", "holds no PEM certificates")
        )
        evidence = doctor_text._evidence(
            "db0.example.net:27017", {"presented_certificate": {"decoded": False, "sha256": "ab"}}
        )
    assert all(error is not None for error in errors)
    commands = commands_in(*errors) + commands_in_text(" ".join(evidence))
    assert_safe(shell, commands, (str(path),))
    assert any(str(Path(path)) in command or "python" in command for command in commands)


KEY_FILE_REASONS = ["missing", "not_pem", "no_key", "mismatch", "damaged", "wrong_password"]


@examples(40)
@given(directory=DIRECTORY, reason=st.sampled_from(KEY_FILE_REASONS))
def test_a_client_certificate_file(shell: StubShell, directory: str, reason: str) -> None:
    """The commands that check a client certificate file (one pymongo could not load, or one
    a server refused) name its path, quoted, or ``client.pem`` when no quoting is safe."""
    path = f"/certs/{directory}/client.pem"
    option = Option("tlsCertificateKeyFile", path, Place.URI)
    error = tls_files.key_file_error((reason, "cannot be loaded"), option, None)
    profile = diagnosis.UNKNOWN_CLIENT._replace(client_certificate=path)
    refusals = [
        diagnosis.certificate.client_certificate_error(
            refusal, {"db.example.net:27017": "x"}, profile
        )
        for refusal in ("client_certificate_expired", "client_certificate_untrusted")
    ]
    assert_safe(shell, commands_in(error, *refusals))
