"""What atlasconnect trusts: only tlsCAFile (or certifi), in every form OpenSSL reads it.

A CRL file adds revocation data and never trust; a CA file is judged by OpenSSL
itself; a CA file that breaks after its first check is still reported as one.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import shutil
import ssl
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from pymongo.errors import ConfigurationError
from servers import MongoServer, TLSProxyFactory, server_context

import atlasconnect
from atlasconnect import CABundleError, ConnectionStringError, InsecureConfigurationError
from atlasconnect import _tls_files as tls

FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
SERVER_AUTH_TRUST = bytes.fromhex("300c300a06082b06010505070301")
"""OpenSSL's X509_CERT_AUX for "trusted for serverAuth", as `openssl x509 -addtrust` writes it."""


def crl_pem(ca: trustme.CA) -> bytes:
    """An empty, current certificate revocation list signed by ``ca``."""
    key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), password=None)
    assert isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey))
    issuer = x509.load_pem_x509_certificate(ca.cert_pem.bytes()).subject
    now = datetime.datetime.now(datetime.timezone.utc)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer)
        .last_update(now - datetime.timedelta(days=1))
        .next_update(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return crl.public_bytes(serialization.Encoding.PEM)


def trusted_certificate_pem(ca: trustme.CA) -> bytes:
    """``ca``'s certificate in OpenSSL's TRUSTED CERTIFICATE form (certificate + trust)."""
    der = ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode()) + SERVER_AUTH_TRUST
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return (
        f"-----BEGIN TRUSTED CERTIFICATE-----\n{body}\n-----END TRUSTED CERTIFICATE-----\n".encode()
    )


@pytest.fixture(scope="module")
def rogue_ca() -> trustme.CA:
    """A CA that is in no tlsCAFile: only a CRL file could make it trusted."""
    return trustme.CA()


@pytest.fixture
def rogue_server_uri(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, rogue_ca: trustme.CA
) -> str:
    proxy = tls_proxy(
        server_context(rogue_ca.issue_cert("localhost")), (plain_mongo.host, plain_mongo.port)
    )
    return plain_mongo.uri("localhost", proxy.port, **FAST_FAILURE)


@pytest.fixture
def crl_with_rogue_ca(tmp_path: Path, rogue_ca: trustme.CA) -> str:
    """A CRL file that also holds the rogue CA's certificate (and that CA's own CRL)."""
    path = tmp_path / "crl.pem"
    path.write_bytes(crl_pem(rogue_ca) + rogue_ca.cert_pem.bytes())
    return str(path)


@pytest.mark.parametrize("name", ["tlsCRLFile", "TLSCRLFILE", "tlscrlfile"])
@pytest.mark.parametrize("place", ["uri", "keyword"])
def test_crl_file_holding_a_ca_is_refused(
    rogue_server_uri: str, crl_with_rogue_ca: str, ca_file: str, name: str, place: str
) -> None:
    uri, keywords = rogue_server_uri, dict[str, Any]()
    if place == "uri":
        uri += f"&{name}={crl_with_rogue_ca}"
    else:
        keywords = {name: crl_with_rogue_ca}
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True, **keywords)
    error = info.value
    assert isinstance(error, ConfigurationError)
    # pymongo hands over URI option names in lower case; keywords keep the caller's spelling.
    written = name if place == "keyword" else name.lower()
    assert error.setting == f"{written}={crl_with_rogue_ca}"
    assert "-----BEGIN CERTIFICATE-----" in error.found
    assert crl_with_rogue_ca in error.found
    assert "trusted" in error.why
    assert "X509 CRL" in error.fix
    assert "tlsCAFile" in error.fix
    assert "s3cr3t" not in str(error)


def test_crl_file_of_crls_only_is_used(
    mongo: MongoServer, ca: trustme.CA, ca_file: str, tmp_path: Path, rogue_ca: trustme.CA
) -> None:
    crl_file = tmp_path / "crls.pem"
    crl_file.write_bytes(crl_pem(ca) + crl_pem(rogue_ca))

    # The async client: pymongo's pyOpenSSL backend (sync only) has no CRL support at all.
    async def ping() -> None:
        uri = mongo.uri(tlsCRLFile=str(crl_file))
        client = await atlasconnect.connect_async(uri, tlsCAFile=ca_file, verify=True)
        await client.close()

    asyncio.run(ping())


def test_missing_crl_file_is_left_to_pymongo(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-crl.pem"
    with pytest.raises(ConnectionStringError, match="No such file"):
        atlasconnect.connect("mongodb://localhost/", connect=False, tlsCRLFile=str(missing))


_PEM_PARTS = st.sampled_from(["crl", "certificate", "trusted", "key", "x509 certificate"])


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.tuples(_PEM_PARTS, st.text(max_size=30)), min_size=1, max_size=4),
    indent=st.sampled_from(["", " ", "\t"]),
)
def test_an_accepted_crl_file_never_adds_trust(
    pem_parts: dict[str, bytes], parts: list[tuple[str, str]], indent: str
) -> None:
    content = b"".join(
        indent.encode() + pem_parts[kind] + junk.encode("utf-8", "surrogatepass")
        for kind, junk in parts
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "crl.pem")
        path.write_bytes(content)
        try:
            tls.refuse_trust_in_crl_file({"tlsCRLFile": str(path)}, {})
        except InsecureConfigurationError:
            return
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        try:
            context.load_verify_locations(cafile=str(path))
        except ssl.SSLError:
            return
        assert context.cert_store_stats()["x509"] == 0


@pytest.fixture(scope="module")
def pem_parts(rogue_ca: trustme.CA) -> dict[str, bytes]:
    certificate = rogue_ca.cert_pem.bytes()
    return {
        "crl": crl_pem(rogue_ca),
        "certificate": certificate,
        "trusted": trusted_certificate_pem(rogue_ca),
        "key": rogue_ca.private_key_pem.bytes(),
        "x509 certificate": certificate.replace(b"CERTIFICATE", b"X509 CERTIFICATE"),
    }


def test_trusted_certificate_pem_is_a_ca_file(
    mongo: MongoServer, ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "trusted-ca.pem"
    ca_file.write_bytes(trusted_certificate_pem(ca))
    assert tls.check_ca_file(str(ca_file)) == 1
    client = atlasconnect.connect(mongo.uri(), tlsCAFile=str(ca_file), verify=True)
    client.close()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"-----BEGIN TRUSTED CERTIFICATE-----\nnot base64\n-----END TRUSTED CERTIFICATE-----\n",
            "invalid",
        ),
        (b"just some text\n", "empty"),
    ],
)
def test_ca_file_reasons_stay_distinct(tmp_path: Path, content: bytes, reason: str) -> None:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(content)
    with pytest.raises(CABundleError) as info:
        tls.check_ca_file(str(ca_file))
    assert info.value.reason == reason


def test_a_crl_alone_is_no_ca_file(tmp_path: Path, rogue_ca: trustme.CA) -> None:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(crl_pem(rogue_ca))
    with pytest.raises(CABundleError) as info:
        tls.check_ca_file(str(ca_file))
    assert info.value.reason == "empty"
    assert "holds no PEM certificates" in info.value.found


@pytest.mark.parametrize(("breakage", "reason"), [("delete", "missing"), ("empty", "empty")])
def test_ca_file_broken_after_its_first_check(
    tmp_path: Path, ca_file: str, breakage: str, reason: str
) -> None:
    own_ca_file = tmp_path / "ca.pem"
    shutil.copy(ca_file, own_ca_file)
    atlasconnect.connect("mongodb://localhost/", connect=False, tlsCAFile=str(own_ca_file)).close()
    if breakage == "delete":
        own_ca_file.unlink()
    else:
        own_ca_file.write_bytes(b"")
    with pytest.raises(CABundleError) as info:
        atlasconnect.connect("mongodb://localhost/", connect=False, tlsCAFile=str(own_ca_file))
    assert (info.value.path, info.value.reason) == (str(own_ca_file), reason)
    assert "tlsCAFile" in info.value.fix


@pytest.mark.parametrize("place", ["uri", "keyword"])
def test_nul_byte_in_ca_file(place: str) -> None:
    uri, keywords = "mongodb://localhost/", dict[str, Any](tlsCAFile="/etc/ssl/ca\x00.pem")
    if place == "uri":
        uri, keywords = uri + "?tlsCAFile=/etc/ssl/ca%00.pem", {}
    with pytest.raises(CABundleError) as info:
        atlasconnect.connect(uri, connect=False, **keywords)
    error = info.value
    assert (error.path, error.reason) == ("/etc/ssl/ca\x00.pem", "missing")
    assert "/etc/ssl/ca\\x00.pem" in error.found
    assert "NUL byte" in error.found
    assert "\x00" not in str(error)
