"""The doctor shows its evidence: the certificate a server presented when verification
failed, this machine's clock next to its dates, and the addresses of mongodb:// hosts."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import ssl
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import trustme
from cryptography import x509
from servers import ProxiedUri, server_context
from test_doctor import SCHEMA, doctor, doctor_json

from atlasconnect import _certificate as certificate
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor_module
from atlasconnect import _doctor_text as doctor_text
from atlasconnect import _documents as documents
from atlasconnect._doctor_layers import LayerName

DOCS = Path(__file__).parent.parent / "docs"


def verdict_why(text: str) -> str:
    """The verdict's "Why it matters" paragraph, its lines joined."""
    words = " ".join(text[text.index("\nVerdict:") :].split())
    return words[words.index("Why it matters:") : words.index("How to fix it:")]


def tls_layer(document: dict[str, Any]) -> dict[str, Any]:
    (host,) = document["hosts"]
    layer: dict[str, Any] = host["layers"][-1]
    assert layer["name"] == "tls"
    return layer


def der_of(leaf: trustme.LeafCert) -> bytes:
    return ssl.PEM_cert_to_DER_cert(leaf.cert_chain_pems[0].bytes().decode())


def test_untrusted_proxy_ca_is_shown_and_named(proxied_uri: ProxiedUri, ca_file: str) -> None:
    proxy_ca = trustme.CA(organization_name="Zscaler Inc.")
    leaf = proxy_ca.issue_cert("localhost", "127.0.0.1")
    uri = proxied_uri(server_context(leaf), tlsCAFile=ca_file)

    code, document = doctor_json(uri)
    assert code == 14
    details = tls_layer(document)["details"]
    shown = details["presented_certificate"]
    assert shown["sha256"] == hashlib.sha256(der_of(leaf)).hexdigest()
    assert "O=Zscaler Inc." in shown["issuer"]
    assert shown["likely_interceptor"] == "Zscaler"
    assert shown["names"] == ["DNS:localhost", "IP:127.0.0.1"]
    assert shown["validity"] == "valid"
    assert "clock" not in details  # the dates are not the problem here
    assert details["verified"] is False

    why = verdict_why(doctor(uri).stdout)
    assert "presented a certificate issued by OU=" in why
    assert "O=Zscaler Inc." in why
    assert "That issuer looks like Zscaler, a TLS-inspecting proxy" in why


def test_expired_certificate_shows_the_clock_next_to_its_dates(
    proxied_uri: ProxiedUri, expired_leaf: trustme.LeafCert, ca_file: str
) -> None:
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    code, document = doctor_json(proxied_uri(server_context(expired_leaf), tlsCAFile=ca_file))
    after = datetime.datetime.now(datetime.timezone.utc)
    assert code == 14
    details = tls_layer(document)["details"]
    shown = details["presented_certificate"]
    expected = x509.load_der_x509_certificate(der_of(expired_leaf))
    assert shown["not_after"] == certificate.iso(expected.not_valid_after_utc)
    assert shown["not_before"] == certificate.iso(expected.not_valid_before_utc)
    assert shown["validity"] == "expired"
    assert shown["likely_interceptor"] is None
    assert details["verify_message"] == "certificate has expired"
    clock = datetime.datetime.fromisoformat(details["clock"].replace("Z", "+00:00"))
    assert before <= clock <= after


def test_expired_certificate_verdict_puts_clock_beside_dates(
    proxied_uri: ProxiedUri, expired_leaf: trustme.LeafCert, ca_file: str
) -> None:
    why = verdict_why(doctor(proxied_uri(server_context(expired_leaf), tlsCAFile=ca_file)).stdout)
    assert re.search(
        r"It is valid from \S+Z to \S+Z, and this machine's clock reads \S+Z, after them: "
        r"the certificate is expired by this clock\.",
        why,
    )


def test_host_name_mismatch_shows_the_names_the_certificate_covers(
    proxied_uri: ProxiedUri, ca: trustme.CA, ca_file: str
) -> None:
    leaf = ca.issue_cert("shard-00-00.elsewhere.example.test")
    uri = proxied_uri(server_context(leaf), tlsCAFile=ca_file)
    code, document = doctor_json(uri)
    assert code == 14
    details = tls_layer(document)["details"]
    assert details["presented_certificate"]["names"] == ["DNS:shard-00-00.elsewhere.example.test"]
    assert details["presented_certificate"]["validity"] == "valid"
    assert "clock" not in details
    why = verdict_why(doctor(uri).stdout)
    assert (
        "It covers DNS:shard-00-00.elsewhere.example.test; the name asked for (SNI) was "
        "localhost." in why
    )


def test_without_cryptography_the_fingerprint_and_the_extra_are_shown(
    proxied_uri: ProxiedUri, expired_leaf: trustme.LeafCert, ca_file: str, monkeypatch: Any
) -> None:
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)  # import raises ImportError
    report = doctor_module.run(proxied_uri(server_context(expired_leaf), tlsCAFile=ca_file))
    document = documents.doctor_document(report, cli._exit_status(report.error))
    jsonschema.validate(json.loads(json.dumps(document, default=str)), SCHEMA)
    (layer,) = [layer for layer in report.hosts[0].layers if layer.name is LayerName.TLS]
    shown = layer.details["presented_certificate"]
    assert shown["decoded"] is False
    assert shown["sha256"] == hashlib.sha256(der_of(expired_leaf)).hexdigest()
    assert shown["issuer"] is None
    assert "clock" in layer.details  # from OpenSSL's verify code, without decoding
    sentences = doctor_text.tls_evidence(report)
    assert shown["sha256"] in sentences[0]
    assert f"`python -m pip install '{certificate.DOCTOR_EXTRA}'`" in sentences[0]
    assert sentences[1] == f"This machine's clock reads {layer.details['clock']}."


# Issuers of the certificates public clusters present: none is an interceptor.
PUBLIC_ISSUERS = [
    "Let's Encrypt",
    "ISRG Root X1",
    "R11",
    "E6",
    "DigiCert Inc",
    "DigiCert Global G2 TLS RSA SHA256 2020 CA1",
    "Amazon",
    "Amazon RSA 2048 M02",
    "Google Trust Services",
    "GTS CA 1C3",
    "Sectigo Limited",
    "Microsoft Corporation",
    "Microsoft Azure RSA TLS Issuing CA 04",
    "GlobalSign nv-sa",
    "MongoDB, Inc.",
    "Entrust, Inc.",
]


@pytest.mark.parametrize("issuer", PUBLIC_ISSUERS)
def test_public_certificate_authorities_are_not_taken_for_interceptors(issuer: str) -> None:
    assert certificate.likely_interceptor([issuer]) is None


def test_every_known_interceptor_is_in_the_docs_table() -> None:
    page = (DOCS / "doctor.rst").read_text()
    for pattern, product in certificate.INTERCEPTORS:
        assert f"   * - {product}\n     - ``{pattern}``\n" in page, product


# mongodb:// hosts are resolved in the DNS layer.


def test_mongodb_hosts_are_resolved_in_the_dns_layer(mongo: Any, ca_file: str) -> None:
    _, document = doctor_json(mongo.uri(tlsCAFile=ca_file))
    dns = document["layers"][2]
    assert (dns["name"], dns["status"]) == ("dns", "ok")
    assert "127.0.0.1" in dns["details"]["addresses"][f"localhost:{mongo.port}"]
    text = doctor(mongo.uri(tlsCAFile=ca_file)).stdout
    assert re.search(rf"\[  ok\] DNS .*localhost:{mongo.port} -> .*127\.0\.0\.1", text)


def test_a_host_that_does_not_resolve_fails_the_dns_layer() -> None:
    code, document = doctor_json(
        "mongodb://app:pw@localhost:27017,db-typo.example.invalid:27017/?tls=true", "--timeout", "3"
    )
    assert code == 12
    assert document["hosts"] == []  # the run stops at a failed DNS layer
    dns = document["layers"][2]
    assert dns["status"] == "failed"
    assert list(dns["details"]["unresolved"]) == ["db-typo.example.invalid:27017"]
    assert "localhost:27017" in dns["details"]["addresses"]
    error = dns["error"]
    assert error["type"] == "DNSResolutionError"
    assert "db-typo.example.invalid" in error["found"]
    assert "nslookup db-typo.example.invalid" in error["fix"]
    assert document["verdict"]["error"] == error


def test_an_atlas_srv_name_used_as_a_plain_host_says_use_mongodb_srv() -> None:
    name = "cluster0.zz9q8.mongodb.net"
    code, document = doctor_json(f"mongodb://app:pw@{name}:27017/?tls=true", "--timeout", "3")
    assert code == 12
    error = document["verdict"]["error"]
    assert f"mongodb+srv://USER:PASSWORD@{name}/" in error["fix"]
    assert f"_mongodb._tcp.{name}" in error["fix"]
