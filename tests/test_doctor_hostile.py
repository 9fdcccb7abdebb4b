"""The doctor under hostile input: it never crashes, and it agrees with connect().

Every case runs ``cli.main`` in-process, as ``atlasconnect doctor --json`` would,
against refused loopback ports, the loopback test servers or host names that
fail before any lookup (invalid IDNA, empty DNS labels).
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import jsonschema
import pytest
import trustme
from conftest import encrypted_client_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import FakeDNS, MongoServer, SrvClusterFactory, refused_port

from atlasconnect import AtlasConnectError, Family, connect
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor
from atlasconnect import _doctor_hosts as doctor_hosts
from atlasconnect import _exceptions as exceptions

SCHEMA = json.loads(resources.files("atlasconnect").joinpath("doctor-schema.json").read_text())
EXIT_STATUSES = {cli.EXIT_OK, *(family.exit_status for family in Family)}
KEY_PASSWORD = "k3y-Pa55phrase"  # a test secret that must never be printed


def run_doctor(uri: str, *options: str) -> tuple[int, dict[str, Any], str]:
    """``atlasconnect doctor URI --json`` in-process: exit status, document, everything printed.

    No exception may come out: a traceback is the failure this file is about.
    """
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["doctor", uri, "--json", *options])
    document = json.loads(out.getvalue())
    jsonschema.validate(document, SCHEMA)
    assert code in EXIT_STATUSES
    assert document["exit_code"] == code
    host_layers = [layer for host in document["hosts"] for layer in host["layers"]]
    for layer in [*document["layers"], *host_layers]:
        assert (layer["status"] == "failed") == (layer["error"] is not None), layer
    return code, document, out.getvalue() + err.getvalue()


def family(document: dict[str, Any]) -> str:
    return str(document["verdict"]["error"]["family"])


@pytest.fixture(scope="module")
def certificate_only(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A client certificate file without its private key."""
    path = tmp_path_factory.mktemp("client") / "cert-only.pem"
    ca.issue_cert("app-client").cert_chain_pems[0].write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def encrypted_key(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A client certificate whose key is encrypted with :data:`KEY_PASSWORD`."""
    return encrypted_client_key(ca, tmp_path_factory.mktemp("client"), KEY_PASSWORD)


# 1. Every exception becomes a failed layer with a typed, explained error.


def test_x509_with_a_password_is_a_configuration_error() -> None:
    uri = f"mongodb://app:hunter22@127.0.0.1:{refused_port()}/?authMechanism=MONGODB-X509"
    code, document, printed = run_doctor(uri, "--timeout", "0.5")
    assert code == 11
    assert document["layers"][-1]["name"] == "connection_string"
    assert "MONGODB-X509" in document["verdict"]["error"]["found"]
    assert "hunter22" not in printed


def test_client_certificate_without_its_key(certificate_only: str) -> None:
    uri = f"mongodb://127.0.0.1:{refused_port()}/?tlsCertificateKeyFile={certificate_only}"
    code, document, _ = run_doctor(uri, "--timeout", "0.5")
    assert code == 11
    assert document["verdict"]["error"]["type"] == "ConnectionStringError"


def test_wrong_certificate_key_password(encrypted_key: str) -> None:
    wrong = "not-" + KEY_PASSWORD
    uri = (
        f"mongodb://127.0.0.1:{refused_port()}/?tlsCertificateKeyFile={encrypted_key}"
        f"&tlsCertificateKeyFilePassword={wrong}"
    )
    code, document, printed = run_doctor(uri, "--timeout", "0.5")
    assert code == 11
    assert document["verdict"]["error"]["type"] == "ConnectionStringError"
    assert wrong not in printed


@pytest.mark.parametrize(
    "password",
    ["tab\there", "emoji\U0001f600pw", "bell\x07pw", "nul\x00pw"],
    ids=["tab", "emoji", "control", "nul"],
)
def test_password_that_saslprep_refuses(mongo: MongoServer, ca_file: str, password: str) -> None:
    uri = f"mongodb://app:{quote_plus(password)}@localhost:{mongo.port}/?tlsCAFile={ca_file}"
    code, document, printed = run_doctor(uri, "--timeout", "2")
    assert code == 11
    layer = document["layers"][-1]
    assert layer["name"] == "connection_string"
    assert "SCRAM-SHA-256" in layer["error"]["found"]
    assert document["hosts"] == []
    for form in (password, quote_plus(password), json.dumps(password)[1:-1]):
        assert form not in printed


@pytest.mark.parametrize("mechanism", ["MONGODB-AWS", "GSSAPI"])
def test_auth_mechanism_whose_extra_is_missing(
    mongo: MongoServer, ca_file: str, mechanism: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("pymongo_auth_aws", "kerberos", "winkerberos"):
        monkeypatch.setitem(sys.modules, module, None)  # not importable, installed or not
    uri = (
        f"mongodb://app:hunter22@localhost:{mongo.port}/"
        f"?tlsCAFile={ca_file}&authMechanism={mechanism}"
    )
    code, document, printed = run_doctor(uri, "--timeout", "2")
    assert code == cli.EXIT_ENVIRONMENT
    # Found with the connection string, as connect() finds it: before any host is probed.
    assert document["layers"][-1]["name"] == "connection_string"
    assert document["hosts"] == []
    error = document["verdict"]["error"]
    assert error["type"] == "MissingDependencyError"
    assert mechanism in error["found"]
    assert "pip install 'pymongo[" in error["fix"]
    assert "hunter22" not in printed


@pytest.mark.parametrize(
    "host",
    ["é" * 70 + ".example.test", "\udcff.example.test"],
    ids=["label-too-long", "not-utf-8"],
)
def test_host_name_that_cannot_be_encoded(host: str) -> None:
    code, document, _ = run_doctor(f"mongodb://{host}:{refused_port()}/", "--timeout", "0.5")
    assert code == 11
    assert document["verdict"]["error"]["type"] == "ConnectionStringError"
    assert "host name" in document["verdict"]["error"]["found"]


@pytest.mark.parametrize(
    "host", ["cluster0..example.test", "a" * 64 + ".example.test", "\udcff.example.test"]
)
def test_srv_host_that_is_not_a_dns_name(dns_env: FakeDNS, host: str) -> None:
    code, document, printed = run_doctor(f"mongodb+srv://app:hunter22@{host}/", "--timeout", "1")
    assert code == 11
    error = document["verdict"]["error"]
    assert error["type"] == "ConnectionStringError"
    assert "DNS name" in error["found"]
    assert "hunter22" not in printed


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e300", "0", "-1", "3601", "soon"])
def test_timeout_must_be_finite_and_sensible(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["doctor", "mongodb://127.0.0.1:1/", f"--timeout={value}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"above 0 and at most {doctor.MAX_TIMEOUT:g}" in err
    assert repr(value) in err


def test_largest_timeout_is_allowed() -> None:
    code, _, _ = run_doctor(
        f"mongodb://127.0.0.1:{refused_port()}/", "--timeout", f"{doctor.MAX_TIMEOUT:g}"
    )
    assert code == 16


def test_run_refuses_a_timeout_that_is_not_finite() -> None:
    for timeout in (math.inf, math.nan, 0.0, doctor.MAX_TIMEOUT * 2):
        with pytest.raises(ValueError, match="timeout"):
            doctor.run("mongodb://127.0.0.1:1/", timeout=timeout)


# The property: whatever the URI, a schema-valid document, a documented exit status,
# no traceback and no password.

AWKWARD = [*"aZ09@:/?#[]%+ =&;,.!$'\"\\é\t\x00\x7f", "\U0001f600", "\u200d"]


@st.composite
def hostile_uris(draw: st.DrawFn, servers: tuple[int, int]) -> tuple[str, str]:
    """A URI of loopback hosts or names that fail locally, and the password it holds."""
    mongo_port, refused = servers
    password = "Pw9" + draw(st.text(st.sampled_from(AWKWARD), min_size=4, max_size=12))
    user = draw(st.sampled_from(["app", "a%40b", "ü"]))
    scheme = draw(st.sampled_from(["mongodb://", "mongodb+srv://"]))
    if scheme == "mongodb+srv://":
        host = draw(
            st.sampled_from(
                [
                    "c1.example.test",
                    "c1.example.test:27017",
                    "a.example.test,b.example.test",
                    "",
                    "c1..example.test",
                    "\udcff.example.test",
                ]
            )
        )
    else:
        host = draw(
            st.sampled_from(
                [
                    f"127.0.0.1:{refused}",
                    f"localhost:{mongo_port}",
                    f"127.0.0.1:{refused},localhost:{mongo_port}",
                    "é" * 70 + f".example.test:{refused}",
                    f"127.0.0.1:{draw(st.sampled_from(['0', '65536', '-1', 'x', '']))}",
                ]
            )
        )
    options = draw(
        st.lists(
            st.sampled_from(
                [
                    "authMechanism=MONGODB-X509",
                    "authMechanism=MONGODB-AWS",
                    "authMechanism=GSSAPI",
                    "authMechanism=PLAIN",
                    "authMechanism=BOGUS",
                    "authSource=",
                    "tlsCAFile=/nonexistent/ca.pem",
                    "tlsCAFile=/etc/hostname",
                    "tlsCertificateKeyFile=/nonexistent/client.pem",
                    "tlsCertificateKeyFile=/etc/hostname",
                    "tlsCertificateKeyFilePassword=Pw9-key",
                    "tlsInsecure=true",
                    "directConnection=true",
                    "srvServiceName=custom",
                    "replicaSet=rs0",
                    "serverSelectionTimeoutMS=-5",
                    "bogusOption=1",
                ]
            ),
            max_size=3,
            unique=True,
        )
    )
    written = quote(password, safe="") if draw(st.booleans()) else password
    query = "&".join(options)
    return f"{scheme}{user}:{written}@{host}/" + (f"?{query}" if query else ""), password


@pytest.fixture
def servers(mongo: MongoServer) -> tuple[int, int]:
    return mongo.port, refused_port()


@pytest.mark.filterwarnings("ignore:Duplicate URI option:UserWarning")  # drawn on purpose
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_doctor_survives_any_uri(dns_env: FakeDNS, servers: tuple[int, int], data: Any) -> None:
    uri, password = data.draw(hostile_uris(servers))
    _, _, printed = run_doctor(uri, "--timeout", "0.5")
    for form in {password, quote(password, safe=""), quote_plus(password)}:
        assert form not in printed
        assert json.dumps(form)[1:-1] not in printed


# 2. The doctor and connect() agree on every URI connect() refuses.


AGREEMENT = [
    "mongodb+srv://app:pw@c1.example.test:27017/",
    "mongodb+srv://app:pw@a.example.test,b.example.test/",
    "mongodb+srv://app:pw@/",
    "mongodb+srv://app:pw@c1.example.test/?directConnection=true",
    "mongodb+srv://app:pw@c1.example.test/?tls=false",
    "mongodb+srv://app:pw@c1.example.test/?bogusOption=1",
    "mongodb://app:pw@127.0.0.1:1/?authMechanism=MONGODB-X509",
    "mongodb://app:pw@127.0.0.1:1/?authMechanism=BOGUS",
    "mongodb://app:pw@127.0.0.1:1/?tlsCAFile=/nonexistent/ca.pem",
    "mongodb://app:pw@127.0.0.1:1/?tlsCertificateKeyFile=/etc/hostname",
    "mongodb://app:pw@127.0.0.1:1/?replicaSet=rs0&directConnection=true&srvMaxHosts=1",
    "mongodb://app:pw@127.0.0.1:99999/",
    "mongodb://app:pw@/",
    "postgres://app:pw@127.0.0.1:1/",
]


@pytest.mark.parametrize("uri", AGREEMENT)
def test_doctor_and_connect_agree(dns_env: FakeDNS, uri: str) -> None:
    with pytest.raises(AtlasConnectError) as refused:
        connect(uri).close()
    report = doctor.run(uri, timeout=1)
    assert report.error is not None
    assert exceptions.family_of(report.error) == exceptions.family_of(refused.value)
    assert type(report.error) is type(refused.value)
    assert report.error.found == refused.value.found


def test_srv_service_name_is_looked_up(
    srv_cluster: SrvClusterFactory, dns_env: FakeDNS, ca_file: str
) -> None:
    cluster = srv_cluster()
    targets = [
        (host, proxy.port) for host, proxy in zip(cluster.hosts, cluster.proxies, strict=True)
    ]
    dns_env.set_srv(f"_custom._tcp.{cluster.name}", targets)
    dns_env.set_srv(f"_mongodb._tcp.{cluster.name}", [])
    code, document, _ = run_doctor(
        cluster.uri(tlsCAFile=ca_file, srvServiceName="custom"), "--timeout", "2"
    )
    assert document["layers"][2]["details"]["srv_name"] == f"_custom._tcp.{cluster.name}"
    assert code == cli.EXIT_OK, document["verdict"]


# 3. The doctor hands connect() the CA file path; connect() applies the floor itself.


def test_doctor_hands_connect_the_plain_ca_path(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca_files: list[object] = []

    def recording_connect(*args: Any, **kwargs: Any) -> Any:
        ca_files.append(kwargs.get("tlsCAFile"))
        return connect(*args, **kwargs)

    monkeypatch.setattr(doctor_hosts, "connect", recording_connect)
    code, _, _ = run_doctor(mongo.uri(tlsCAFile=ca_file), "--timeout", "2")
    assert code == cli.EXIT_OK
    host_clients = [value for value in ca_files if value is not None]
    assert host_clients
    assert all(type(value) is str and value == ca_file for value in host_clients)


def test_non_utf8_host_name_from_the_command_line() -> None:
    """A byte that is not UTF-8 reaches argv as a lone surrogate; printing it must not fail."""
    result = subprocess.run(
        [sys.executable, "-m", "atlasconnect", "doctor", b"mongodb://\xff.example.test:1/"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 11, result.stdout
    assert "mongodb://\\udcff.example.test:1/" in result.stdout
    assert "Verdict: ConnectionStringError" in result.stdout


def test_docs_state_the_timeout_range() -> None:
    text = (Path(__file__).parent.parent / "docs" / "doctor.rst").read_text()
    assert f"at most {doctor.MAX_TIMEOUT:g};" in " ".join(text.split())
