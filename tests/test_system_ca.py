"""The operating system's trust store, beside certifi: ``system_ca=True``, opt-in.

On Linux, truststore's system store is OpenSSL's default paths, so a test
system store is ``SSL_CERT_FILE`` naming a file with the test CA in it: the
servers here are signed by a CA that certifi's bundle does not hold.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme
from pymongo import MongoClient
from servers import MongoServer, ProxiedUri, TLSProxyFactory, server_context

import atlasconnect
from atlasconnect import (
    CertificateVerificationError,
    ConnectionStringError,
    MissingDependencyError,
)
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor
from atlasconnect import _pymongo_internals as internals
from atlasconnect._doctor_layers import LayerName, Report

FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 5000, "connectTimeoutMS": 5000}
STDLIB_ONLY = pytest.mark.skipif(
    internals.uses_pyopenssl(), reason="the synchronous client uses pyOpenSSL here"
)


def assert_pings(client: MongoClient[Any]) -> None:
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()


@pytest.fixture
def system_store(monkeypatch: pytest.MonkeyPatch, ca_file: str) -> str:
    """The test CA, and only it, in this machine's (OpenSSL's) default trust store."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    monkeypatch.setenv("SSL_CERT_DIR", str(Path(ca_file).parent / "no-such-directory"))
    monkeypatch.delenv("ATLASCONNECT_SYSTEM_CA", raising=False)
    return ca_file


@pytest.fixture
def other_system_store(monkeypatch: pytest.MonkeyPatch, other_ca_file: str) -> str:
    """A system store that does not hold the test CA either."""
    monkeypatch.setenv("SSL_CERT_FILE", other_ca_file)
    monkeypatch.setenv("SSL_CERT_DIR", str(Path(other_ca_file).parent / "no-such-directory"))
    monkeypatch.delenv("ATLASCONNECT_SYSTEM_CA", raising=False)
    return other_ca_file


@STDLIB_ONLY
def test_the_system_store_is_trusted_when_asked(system_store: str, mongo: MongoServer) -> None:
    assert_pings(atlasconnect.connect(mongo.uri(tls=True), system_ca=True, **FAST))


@STDLIB_ONLY
def test_without_the_switch_certifi_alone_is_trusted_and_the_error_names_it(
    system_store: str, mongo: MongoServer
) -> None:
    with pytest.raises(CertificateVerificationError) as info:
        atlasconnect.connect(mongo.uri(tls=True), verify=True, **FAST)
    assert info.value.reason == "untrusted"
    assert "pass connect(uri, system_ca=True)" in info.value.fix
    assert "atlasconnect[system-ca]" in info.value.fix


@STDLIB_ONLY
def test_the_environment_variable_switches_it_on(
    system_store: str, mongo: MongoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATLASCONNECT_SYSTEM_CA", "1")
    client = atlasconnect.connect(mongo.uri(tls=True), verify=True, **FAST)
    client.close()
    # The keyword wins over the variable.
    with pytest.raises(CertificateVerificationError):
        atlasconnect.connect(mongo.uri(tls=True), system_ca=False, verify=True, **FAST)


@pytest.mark.parametrize("value", ["2", "enable", "ture"])
def test_a_value_of_the_variable_that_is_neither_on_nor_off_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ATLASCONNECT_SYSTEM_CA", value)
    with pytest.raises(ConnectionStringError, match="ATLASCONNECT_SYSTEM_CA") as info:
        atlasconnect.connect("mongodb://db.example.test/", connect=False)
    assert "ATLASCONNECT_SYSTEM_CA=1" in info.value.fix


def test_system_ca_must_be_a_bool() -> None:
    with pytest.raises(ConnectionStringError, match="system_ca must be True or False"):
        atlasconnect.connect("mongodb://db.example.test/", system_ca="yes", connect=False)  # type: ignore[arg-type]


def test_the_async_client_trusts_the_system_store(system_store: str, mongo: MongoServer) -> None:
    async def main() -> None:
        client = await atlasconnect.connect_async(
            mongo.uri(tls=True), system_ca=True, verify=True, **FAST
        )
        try:
            assert (await client.admin.command("ping"))["ok"] == 1
        finally:
            await client.close()

    asyncio.run(main())


@STDLIB_ONLY
def test_client_options_carry_it(system_store: str, mongo: MongoServer) -> None:
    uri, options = atlasconnect.client_options(mongo.uri(tls=True), system_ca=True, **FAST)
    assert_pings(MongoClient(uri, **options))


@STDLIB_ONLY
def test_the_floor_holds_with_the_system_store(
    system_store: str, proxied_uri: ProxiedUri, leaf: trustme.LeafCert
) -> None:
    uri = proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2), tls=True)
    with pytest.raises(atlasconnect.TLSVersionRefusedError):
        atlasconnect.connect(
            uri, system_ca=True, min_tls_version=ssl.TLSVersion.TLSv1_3, verify=True, **FAST
        )
    # And the same server is reached with the system store when the floor allows it.
    client = atlasconnect.connect(uri, system_ca=True, verify=True, **FAST)
    client.close()


@STDLIB_ONLY
def test_host_names_are_still_checked(
    system_store: str, proxied_uri: ProxiedUri, ca: trustme.CA
) -> None:
    uri = proxied_uri(server_context(ca.issue_cert("elsewhere.example.test")), tls=True)
    with pytest.raises(CertificateVerificationError) as info:
        atlasconnect.connect(uri, system_ca=True, verify=True, **FAST)
    assert info.value.reason == "hostname_mismatch"


@STDLIB_ONLY
def test_a_client_certificate_is_presented_with_the_system_store(
    system_store: str,
    tls_proxy: TLSProxyFactory,
    plain_mongo: MongoServer,
    leaf: trustme.LeafCert,
    ca: trustme.CA,
    tmp_path: Path,
) -> None:
    context = server_context(leaf)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(system_store)
    proxy = tls_proxy(context, (plain_mongo.host, plain_mongo.port))
    certificate = tmp_path / "client.pem"
    ca.issue_cert("app-client").private_key_and_cert_chain_pem.write_to_path(str(certificate))
    client = atlasconnect.connect(
        plain_mongo.uri("localhost", proxy.port),
        system_ca=True,
        tlsCertificateKeyFile=str(certificate),
        verify=True,
        **FAST,
    )
    client.close()


@STDLIB_ONLY
def test_other_clients_and_the_ssl_module_are_left_alone(system_store: str) -> None:
    client = atlasconnect.connect("mongodb://db.example.test/", system_ca=True, connect=False)
    plain = atlasconnect.connect("mongodb://db.example.test/", connect=False)
    try:
        assert internals.tls_in_use(client).context.__class__.__module__.startswith("truststore")
        assert not type(internals.tls_in_use(plain).context).__module__.startswith("truststore")
        assert ssl.SSLContext.__module__ == "ssl"
    finally:
        client.close()
        plain.close()


def test_without_truststore_a_typed_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "truststore", None)  # import truststore: ImportError
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect("mongodb://db.example.test/", system_ca=True, connect=False)
    assert info.value.package == "truststore"
    assert "'atlasconnect[system-ca]'" in info.value.fix
    with pytest.raises(MissingDependencyError):
        atlasconnect.check_environment(system_ca=True)


@pytest.mark.skipif(not internals.uses_pyopenssl(), reason="pyOpenSSL backend only (tox -e ocsp)")
def test_pyopenssl_refuses_it_for_the_sync_client_only(system_store: str) -> None:
    """Replacing pyOpenSSL's context would drop pymongo's OCSP checks: refused, said why.

    The async client, which always uses Python's ssl, is tested above on every backend.
    """
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect("mongodb://db.example.test/", system_ca=True, connect=False)
    assert info.value.package == "pyOpenSSL"
    assert "OCSP" in info.value.why
    with pytest.raises(MissingDependencyError):
        atlasconnect.client_options("mongodb://db.example.test/", system_ca=True)


# The doctor: the same switch, and evidence from the operating system's verifier.


def tls_layer(report: Report) -> Any:
    return next(layer for layer in report.hosts[0].layers if layer.name is LayerName.TLS)


@STDLIB_ONLY
def test_the_doctor_advises_the_switch_when_the_system_store_verifies(
    system_store: str, mongo: MongoServer
) -> None:
    report = doctor.run(mongo.uri(tls=True), timeout=10)
    layer = tls_layer(report)
    assert layer.details["system_store_verifies"] is True
    assert isinstance(report.error, CertificateVerificationError)
    assert "this machine's operating system trusts the issuer" in report.error.why
    assert report.error.fix.startswith("trust the system store too: pass connect(uri, system_ca")
    assert "--system-ca" in report.error.cli_fix


@STDLIB_ONLY
def test_the_doctor_gives_the_bundle_advice_when_the_system_store_does_not_verify(
    other_system_store: str, mongo: MongoServer
) -> None:
    report = doctor.run(mongo.uri(tls=True), timeout=10)
    assert tls_layer(report).details["system_store_verifies"] is False
    assert isinstance(report.error, CertificateVerificationError)
    assert "ca-bundle.pem" in report.error.fix


@STDLIB_ONLY
def test_the_doctor_with_system_ca_is_healthy(
    system_store: str, mongo: MongoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["doctor", mongo.uri(tls=True), "--system-ca", "--json", "--timeout", "10"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0, document["verdict"]
    environment = document["layers"][0]["details"]
    assert environment["system_trust_store"].startswith("trusted too; truststore ")
    tls_details = next(layer for layer in document["hosts"][0]["layers"] if layer["name"] == "tls")[
        "details"
    ]
    assert tls_details["system_ca"] is True
    assert "system_store_verifies" not in tls_details
