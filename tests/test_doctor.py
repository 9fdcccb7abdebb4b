"""``atlasconnect doctor``, run as a user runs it, against real loopback servers."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import jsonschema
import pytest
import trustme
from conftest import PASSWORD
from servers import (
    FakeDNS,
    MongoServer,
    ProxiedUri,
    SilentServer,
    SrvClusterFactory,
    TLSProxyFactory,
    server_context,
)

from atlasconnect import AuthenticationError
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor_module
from atlasconnect import _environment_facts as environment_facts
from atlasconnect._doctor_layers import LayerName, Status

SCHEMA = json.loads(resources.files("atlasconnect").joinpath("doctor-schema.json").read_text())


def doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m atlasconnect doctor ...`` in a child process, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "atlasconnect", "doctor", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    for secret in (PASSWORD, quote_plus(PASSWORD)):
        assert secret not in result.stdout + result.stderr
    return result


def doctor_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = doctor(*args, "--json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["exit_code"] == result.returncode
    return result.returncode, document


def test_healthy_server_text(mongo: MongoServer, ca_file: str) -> None:
    result = doctor(mongo.uri(tlsCAFile=ca_file))
    assert result.returncode == cli.EXIT_OK, result.stdout
    lines = result.stdout.splitlines()
    for label in ("environment", "URI", "TCP", "TLS", "hello", "login", "ping"):
        assert any(line.split()[:3] == ["[", "ok]", label] for line in lines), label
    assert "verified against " + ca_file in " ".join(result.stdout.split())
    assert "standalone" in result.stdout
    assert "user app, authSource admin" in result.stdout
    assert "app:****@" in result.stdout
    assert lines[-1] == "Verdict: healthy. The host answered: TCP, TLS, hello, login and ping."
    assert "sni: localhost" not in result.stdout  # a detail: under -v, and in --json


def test_verbose_shows_every_detail_under_its_check(mongo: MongoServer, ca_file: str) -> None:
    result = doctor(mongo.uri(tlsCAFile=ca_file), "-v")
    assert result.returncode == cli.EXIT_OK, result.stdout
    lines = result.stdout.splitlines()
    tls = next(i for i, line in enumerate(lines) if line.startswith("[  ok] TLS "))
    hello = next(i for i, line in enumerate(lines) if line.startswith("[  ok] hello "))
    details = [line.strip() for line in lines[tls + 1 : hello]]
    assert "sni: localhost" in details
    assert f"ca_file: {ca_file}" in details
    assert any(line.startswith("cipher: ") for line in details)
    assert any(line.startswith("took: ") and line.endswith(" ms") for line in details)


def test_healthy_server_json(mongo: MongoServer, ca_file: str) -> None:
    code, document = doctor_json(mongo.uri(tlsCAFile=ca_file))
    assert code == 0
    assert document["healthy"] is True
    assert [layer["name"] for layer in document["layers"]] == [
        "environment",
        "connection_string",
        "dns",
    ]
    (host,) = document["hosts"]
    assert host["address"] == f"localhost:{mongo.port}"
    layers = {layer["name"]: layer for layer in host["layers"]}
    assert list(layers) == ["tcp", "tls", "hello", "authentication", "ping"]
    assert {layer["status"] for layer in layers.values()} == {"ok"}
    assert layers["tls"]["details"]["version"] in ("TLSv1.2", "TLSv1.3")
    assert layers["tls"]["details"]["verified"] is True
    assert layers["tls"]["details"]["sni"] == "localhost"
    assert layers["ping"]["details"]["server_version"].startswith("8.")


def test_wrong_password(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri(tlsCAFile=ca_file).replace(quote_plus(PASSWORD), quote_plus(PASSWORD + "x"))
    result = doctor(uri)
    assert result.returncode == 17
    assert "[FAIL] login" in result.stdout
    assert "Verdict: AuthenticationError (authentication, exit status 17)" in result.stdout
    assert "Database Access" in result.stdout
    _, document = doctor_json(uri)
    assert document["verdict"]["error"]["family"] == "authentication"
    assert [layer["status"] for layer in document["hosts"][0]["layers"]][-1] == "failed"


def test_untrusted_certificate(mongo: MongoServer, other_ca_file: str) -> None:
    result = doctor(mongo.uri(tlsCAFile=other_ca_file))
    assert result.returncode == 14
    assert "[FAIL] TLS " in result.stdout
    assert other_ca_file in result.stdout
    assert '    cat "$(python -m certifi)" corporate-root.pem > ca-bundle.pem' in result.stdout


def test_expired_certificate(
    proxied_uri: ProxiedUri, expired_leaf: trustme.LeafCert, ca_file: str
) -> None:
    code, document = doctor_json(proxied_uri(server_context(expired_leaf), tlsCAFile=ca_file))
    assert code == 14
    error = document["verdict"]["error"]
    assert (error["type"], error["family"]) == ("CertificateVerificationError", "certificate")
    assert "date -u" in error["fix"]


def test_tls_1_1_only_host(proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str) -> None:
    old = server_context(leaf, minimum=ssl.TLSVersion.TLSv1, maximum=ssl.TLSVersion.TLSv1_1)
    result = doctor(proxied_uri(old, tlsCAFile=ca_file))
    assert result.returncode == 15
    assert "TLSVersionRefusedError" in result.stdout
    assert "middlebox" in result.stdout


def test_access_list_alert_behind_atlas_srv_names(
    srv_cluster: SrvClusterFactory, ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process: the fake DNS is this process's resolver.
    cluster = srv_cluster(
        name="cluster0.abcde.mongodb.net",
        sni_callback=lambda name: ssl.ALERT_DESCRIPTION_INTERNAL_ERROR,
    )
    assert cli.main(["doctor", cluster.uri(tlsCAFile=ca_file), "--timeout", "2"]) == 13
    out = capsys.readouterr().out
    assert out.count("[FAIL] TLS ") == 3
    assert "SRV _mongodb._tcp.cluster0.abcde.mongodb.net" in out
    assert "Verdict: NetworkAccessError (network_access, exit status 13)" in out
    assert "Network Access" in out
    assert PASSWORD not in out


def test_one_host_that_never_answers_costs_one_timeout(
    dns_env: FakeDNS,
    rs_mongo: MongoServer,
    tls_proxy: TLSProxyFactory,
    leaf: trustme.LeafCert,
    ca_file: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = [tls_proxy(server_context(leaf), (rs_mongo.host, rs_mongo.port)) for _ in range(2)]
    with SilentServer() as silent:
        hosts = [
            "c1-shard-00.example.test",  # one label under example.test: the test wildcard
            "c1-shard-01.example.test",
            "c1-dead.example.test",
        ]
        rs_mongo.advertise = (hosts[0], good[0].port)
        dns_env.set_srv(
            "_mongodb._tcp.c1.example.test",
            [(hosts[0], good[0].port), (hosts[1], good[1].port), (hosts[2], silent.port)],
        )
        dns_env.set_txt("c1.example.test", "authSource=admin")
        uri = f"mongodb+srv://app:{quote_plus(PASSWORD)}@c1.example.test/?tlsCAFile={ca_file}"
        start = time.monotonic()
        code = cli.main(["doctor", uri, "--json", "--timeout", "1.5"])
        elapsed = time.monotonic() - start
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, SCHEMA)
    assert code == 16
    statuses = {h["address"].split(":")[0]: h["layers"][-1] for h in document["hosts"]}
    assert statuses[hosts[0]]["name"] == statuses[hosts[1]]["name"] == "ping"
    assert statuses[hosts[2]]["name"] == "tls"
    assert statuses[hosts[2]]["error"]["type"] == "ServerUnreachableError"
    # Hosts are probed at once: one timeout (1.5 s) plus the healthy hosts' work, not three.
    assert 1.5 <= elapsed < 3.0


@pytest.mark.parametrize(
    ("uri", "code", "words"),
    [
        (f"mongodb://app:{PASSWORD}@host/", 11, "unescaped"),
        ("mongodb://app:pw@localhost/?bogusOption=1", 11, "Unknown option"),
        ("mongodb://app:pw@localhost/?tlsInsecure=true", 11, "switch off"),
        ("https://cluster0.example.net/", 11, "mongodb+srv://"),
        ("mongodb://localhost/?tlsCAFile=/nonexistent/ca.pem", 10, "does not exist"),
        ("mongodb://nothere.invalid:27017/", 12, "does not resolve"),
    ],
)
def test_bad_input_gets_its_explanation_and_exit_status(uri: str, code: int, words: str) -> None:
    result = doctor(uri, "--timeout", "1")
    assert result.returncode == code, result.stdout
    assert words in result.stdout
    assert "Verdict:" in result.stdout


def test_uri_from_environment_and_none_at_all() -> None:
    result = doctor(env={"MONGODB_URI": "mongodb://app:pw@localhost/?tls=false"})
    assert result.returncode == 11
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    result = subprocess.run(
        [sys.executable, "-m", "atlasconnect", "doctor", "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert (result.returncode, document["uri"], document["hosts"]) == (4, None, [])
    assert result.returncode == cli.EXIT_NOTHING_CHECKED


def test_the_environment_details_are_the_documented_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The keys are facts of their own: rewording a label of the report changes none."""
    reworded = [
        (key, f"{label.upper()} (as shown)", text) for key, label, text in environment_facts._FORMS
    ]
    monkeypatch.setattr(environment_facts, "_FORMS", reworded)
    monkeypatch.delenv("MONGODB_URI", raising=False)
    assert cli.main(["doctor", "--json"]) == cli.EXIT_NOTHING_CHECKED
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, SCHEMA)
    documented = SCHEMA["$defs"]["environment"]
    assert list(document["layers"][0]["details"]) == documented["required"]
    assert list(documented["properties"]) == documented["required"]
    backends = documented["properties"]["tls_backend"]["enum"]
    assert backends == list(environment_facts._BACKENDS.values())


def test_the_schema_and_the_reference_are_the_table_of_layers() -> None:
    """The layer names and statuses of the schema and of docs/doctor.rst are the table's."""
    layer = SCHEMA["$defs"]["layer"]["properties"]
    assert layer["name"]["enum"] == [name.value for name in LayerName]
    assert layer["status"]["enum"] == [status.value for status in Status]
    described = SCHEMA["properties"]["layers"]["description"]
    host_layers = SCHEMA["properties"]["hosts"]["items"]["properties"]["layers"]["description"]
    listed = re.findall(r"\b[a-z_]+\b(?=[,.])", f"{described} {host_layers}")
    assert [name for name in listed if name in {n.value for n in LayerName}] == [
        name.value for name in LayerName
    ]
    reference = (Path(__file__).parent.parent / "docs" / "doctor.rst").read_text()
    section = reference.split("\nLayers\n------\n", 1)[1].split("\nA host's checks stop", 1)[0]
    assert re.findall(r"^``(\w+)``$", section, re.MULTILINE) == [name.value for name in LayerName]


def test_usage_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "atlasconnect", "doctor", "--timeout", "soon"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "must be a number of seconds" in result.stderr


def test_client_certificate_is_presented(
    ca: trustme.CA, leaf: trustme.LeafCert, ca_file: str, certs_dir: Path
) -> None:
    server_pem, client_pem = certs_dir / "mtls-server.pem", certs_dir / "mtls-client.pem"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(server_pem))
    ca.issue_cert("app-client").private_key_and_cert_chain_pem.write_to_path(str(client_pem))
    with MongoServer(
        "app",
        PASSWORD,
        cert_file=str(server_pem),
        key_file=str(server_pem),
        client_ca_file=ca_file,
        client_cert_file=str(client_pem),
    ) as server:
        with_certificate = server.uri(tlsCAFile=ca_file, tlsCertificateKeyFile=str(client_pem))
        code, document = doctor_json(with_certificate)
        assert code == 0, document["verdict"]
        tls_layer = document["hosts"][0]["layers"][1]
        assert tls_layer["details"]["client_certificate"] == str(client_pem)
        assert doctor(server.uri(tlsCAFile=ca_file), "--timeout", "1").returncode != 0


def test_layer_errors_do_not_chain_pymongo_exceptions(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri(tlsCAFile=ca_file).replace(quote_plus(PASSWORD), quote_plus(PASSWORD + "x"))
    report = doctor_module.run(uri, timeout=2)
    assert isinstance(report.error, AuthenticationError)
    assert report.error.__context__ is None
    assert report.error.__cause__ is None
