"""Client certificates (tlsCertificateKeyFile): a file pymongo cannot load, a server refusing it.

pymongo reports every failure to load the file as "Private key doesn't match
certificate: [SSL] PEM lib" (a wrong password, a file without its key...), and a
server's refusal of the certificate as a closed connection or a TLS alert
("unknown ca", "certificate expired", "certificate required") that looked
like an unreachable server. Each is explained as what it is here: the files
are made by trustme, the servers are real TLS servers on loopback that check
client certificates (a TLSProxy with ``verify_mode=CERT_REQUIRED`` in front of
the test suite's MongoDB-wire server).
"""

from __future__ import annotations

import asyncio
import datetime
import io
import json
import shlex
import ssl
import time
import traceback
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pymongo
import pytest
import trustme
from conftest import PASSWORD, encrypted_client_key
from pymongo.errors import AutoReconnect, ConfigurationError, ServerSelectionTimeoutError
from servers import MongoServer, TLSProxyFactory, refused_port, server_context

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    CertificateVerificationError,
    ConnectionStringError,
    ServerUnreachableError,
    TLSVersionRefusedError,
)
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor
from atlasconnect import _doctor_hosts as doctor_hosts
from atlasconnect._exceptions import family_of

KEY_PASSWORD = "Cl1ent-Key-Pa55"
WRONG_PASSWORD = "Wr0ng-Key-Pa55"


def shown(error: BaseException) -> str:
    """What may be printed of ``error``: text, repr, traceback, atlasconnect's frame locals."""
    trace = traceback.TracebackException.from_exception(error, capture_locals=True)
    own = [frame.locals for frame in trace.stack if "/atlasconnect/" in frame.filename]
    return "".join(traceback.format_exception(error)) + repr(error) + repr(own)


@pytest.fixture(scope="module")
def client_files(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Client certificate files, right and wrong, by name."""
    directory = tmp_path_factory.mktemp("client-files")
    one, other = ca.issue_cert("app-client"), ca.issue_cert("other-client")
    blobs = {
        "good": one.private_key_and_cert_chain_pem.bytes(),
        "mismatched": other.private_key_pem.bytes() + one.cert_chain_pems[0].bytes(),
        "certificate only": one.cert_chain_pems[0].bytes(),
        "key only": one.private_key_pem.bytes(),
        "not PEM": b"0\x82\x05\x8a\x02\x01\x030\x82\x05P\x06\t*\x86H\x86\xf7\r\x01\x07\x01",
        "damaged": one.private_key_pem.bytes()[:120] + b"\n" + one.cert_chain_pems[0].bytes(),
    }
    paths = {}
    for name, blob in blobs.items():
        path = directory / (name.replace(" ", "-") + ".pem")
        path.write_bytes(blob)
        paths[name] = str(path)
    paths["encrypted"] = encrypted_client_key(ca, directory, KEY_PASSWORD)
    paths["missing"] = str(directory / "no-such-file.pem")
    paths["directory"] = str(directory)
    return paths


def refused(call: Callable[[], object]) -> ConnectionStringError:
    with pytest.raises(ConnectionStringError) as info:
        call()
    error = info.value
    assert isinstance(error, ConfigurationError)  # what pymongo raised (its InvalidURI)
    assert "Private key doesn't match certificate" not in error.found  # pymongo's words, not
    for secret in (KEY_PASSWORD, WRONG_PASSWORD):
        assert secret not in shown(error)
    return error


# 1. A file pymongo cannot load: found before any connection, when the client is made.

CONSTRUCTION_CASES = {
    # file, password, found, the option the fix names, a command or step of the fix
    "a wrong password": (
        "encrypted",
        WRONG_PASSWORD,
        "tlsCertificateKeyFilePassword does not decrypt",
        "tlsCertificateKeyFilePassword",
        "openssl pkey -in",
    ),
    "a key of another certificate": (
        "mismatched",
        None,
        "private key that does not belong to its certificate",
        "tlsCertificateKeyFile",
        "-pubout",
    ),
    "no private key": (
        "certificate only",
        None,
        "a certificate but no private key",
        "tlsCertificateKeyFile",
        "cat client.crt client.key > client.pem",
    ),
    "no certificate": (
        "key only",
        None,
        "a private key but no certificate",
        "tlsCertificateKeyFile",
        "cat client.crt client.key > client.pem",
    ),
    "not PEM": (
        "not PEM",
        None,
        "no PEM certificate or private key",
        "tlsCertificateKeyFile",
        "pkcs12",
    ),
    "damaged": ("damaged", None, "OpenSSL cannot read", "tlsCertificateKeyFile", "openssl x509"),
    "missing": ("missing", None, "does not exist", "tlsCertificateKeyFile", "path"),
    "a directory": ("directory", None, "cannot be read", "tlsCertificateKeyFile", "path"),
}


@pytest.mark.parametrize(
    ("file", "password", "found", "option", "step"),
    list(CONSTRUCTION_CASES.values()),
    ids=list(CONSTRUCTION_CASES),
)
def test_a_file_pymongo_cannot_load_is_explained(
    client_files: dict[str, str],
    file: str,
    password: str | None,
    found: str,
    option: str,
    step: str,
) -> None:
    path = client_files[file]
    keywords: dict[str, Any] = {"tlsCertificateKeyFile": path}
    if password is not None:
        keywords["tlsCertificateKeyFilePassword"] = password
    uri = f"mongodb://127.0.0.1:{refused_port()}/?authMechanism=MONGODB-X509"
    error = refused(lambda: atlasconnect.connect(uri, connect=False, **keywords))
    assert found in error.found
    assert path in error.found
    assert option in error.fix
    assert step in error.fix
    assert error.redacted_uri == uri


@pytest.mark.parametrize("place", ["the connection string", "the keywords"])
def test_the_place_of_the_file_is_named_in_words(client_files: dict[str, str], place: str) -> None:
    """Where the file was given reads as a place, never as the name of an Enum member."""
    path = client_files["not PEM"]
    uri = f"mongodb://127.0.0.1:{refused_port()}/"
    if place == "the connection string":
        error = refused(
            lambda: atlasconnect.connect(f"{uri}?tlsCertificateKeyFile={path}", connect=False)
        )
    else:
        error = refused(
            lambda: atlasconnect.connect(uri, tlsCertificateKeyFile=path, connect=False)
        )
    assert f"given as tlsCertificateKeyFile in {place}, " in error.found
    assert "Place." not in error.found


def test_the_password_in_the_uri_stays_hidden(client_files: dict[str, str]) -> None:
    uri = (
        f"mongodb://127.0.0.1:{refused_port()}/?tlsCertificateKeyFile={client_files['encrypted']}"
        f"&tlsCertificateKeyFilePassword={WRONG_PASSWORD}"
    )
    error = refused(lambda: atlasconnect.connect(uri, connect=False))
    assert "does not decrypt" in error.found
    assert "tlsCertificateKeyFilePassword=****" in str(error.redacted_uri)
    # From the command line, the password is an option of the connection string.
    assert "tlsCertificateKeyFilePassword=" in error.cli_fix
    assert "connect(" not in error.cli_fix


def test_connect_async_explains_it_too(client_files: dict[str, str]) -> None:
    async def main() -> None:
        await atlasconnect.connect_async(
            f"mongodb://127.0.0.1:{refused_port()}/",
            tlsCertificateKeyFile=client_files["mismatched"],
            verify=True,
        )

    error = refused(lambda: asyncio.run(main()))
    assert "does not belong to its certificate" in error.found


def test_the_right_file_and_password_pass(client_files: dict[str, str]) -> None:
    good: list[dict[str, Any]] = [
        {"tlsCertificateKeyFile": client_files["good"]},
        {
            "tlsCertificateKeyFile": client_files["encrypted"],
            "tlsCertificateKeyFilePassword": KEY_PASSWORD,
        },
    ]
    for keywords in good:
        client = atlasconnect.connect(
            f"mongodb://127.0.0.1:{refused_port()}/", connect=False, **keywords
        )
        client.close()


def test_the_doctor_says_the_same_before_probing_any_host(client_files: dict[str, str]) -> None:
    uri = (
        f"mongodb://127.0.0.1:{refused_port()}/?tlsCertificateKeyFile="
        f"{client_files['encrypted']}&tlsCertificateKeyFilePassword={WRONG_PASSWORD}"
    )
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["doctor", uri, "--json", "--timeout", "1"])
    document = json.loads(out.getvalue())
    assert code == atlasconnect.Family.CONFIGURATION.exit_status
    assert document["hosts"] == []
    assert "does not decrypt" in document["verdict"]["error"]["found"]
    assert WRONG_PASSWORD not in out.getvalue()


# pymongo's words, read without the file (a paste, a client made without atlasconnect):
# the stdlib backend's, then pyOpenSSL's (pymongo[ocsp]), as pymongo 4.13 to 4.20 word them.
PYMONGO_TEXTS = {
    "Private key doesn't match certificate: [X509: KEY_VALUES_MISMATCH] key values mismatch "
    "(_ssl.c:3926)": "does not belong to its certificate",
    "Private key doesn't match certificate: [('x509 certificate routines', '', 'key values "
    "mismatch')]": "does not belong to its certificate",
    "Private key doesn't match certificate: [('Provider routines', '', 'bad decrypt'), "
    "('PKCS12 routines', '', 'pkcs12 cipherfinal error'), ('SSL routines', '', 'PEM lib')]": (
        "does not decrypt"
    ),
    "Private key doesn't match certificate: [SSL] PEM lib (_ssl.c:3926)": "could not be loaded",
    "Private key doesn't match certificate: [('PEM routines', '', 'no start line'), "
    "('SSL routines', '', 'PEM lib')]": "could not be loaded",
}


@pytest.mark.parametrize(("text", "found"), list(PYMONGO_TEXTS.items()))
def test_explain_reads_pymongos_words(text: str, found: str) -> None:
    error = atlasconnect.explain(ConfigurationError(text))
    assert isinstance(error, ConnectionStringError)
    assert found in error.found
    assert "tlsCertificateKeyFile" in error.fix


@pytest.mark.parametrize(
    ("text", "exception", "family"),
    [
        (
            "Private key doesn't match certificate: [SSL] PEM lib (_ssl.c:3926)",
            "ConfigurationError",
            atlasconnect.Family.CONFIGURATION,
        ),
        (
            "localhost:27017: [SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca",
            "ServerSelectionTimeoutError",
            atlasconnect.Family.CERTIFICATE,
        ),
    ],
)
def test_atlasconnect_explain_reads_a_pasted_text(
    text: str, exception: str, family: atlasconnect.Family
) -> None:
    for pasted in (text, f"pymongo.errors.{exception}: {text}"):
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(["explain", "--json", pasted])
        assert code == family.exit_status, out.getvalue()


def test_explain_of_this_pymongos_own_words(client_files: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        pymongo.MongoClient(
            "mongodb://127.0.0.1:1/",
            tls=True,
            connect=False,
            tlsCertificateKeyFile=client_files["mismatched"],
        )
    error = atlasconnect.explain(raised.value)
    assert isinstance(error, ConnectionStringError)
    assert "does not belong to its certificate" in error.found


def test_the_fix_quotes_a_path_for_the_shell(ca: trustme.CA, tmp_path: Path) -> None:
    path = tmp_path / "my client's cert.pem"
    one, other = ca.issue_cert("a"), ca.issue_cert("b")
    path.write_bytes(other.private_key_pem.bytes() + one.cert_chain_pems[0].bytes())
    error = refused(
        lambda: atlasconnect.connect(
            "mongodb://127.0.0.1:1/", connect=False, tlsCertificateKeyFile=str(path)
        )
    )
    assert shlex.quote(str(path)) in error.fix


# 2. A server that refuses the client certificate in the TLS handshake.
#
# With TLS 1.2 the server's alert ends the handshake, and pymongo reports it. With TLS
# 1.3 the client finishes its handshake first and learns of the refusal when it reads:
# the alert, or, when the server closed before the client read it, a connection closed
# right after the handshake ("EOF occurred in violation of protocol", "connection is
# already closed", ECONNRESET on pyOpenSSL), which is which from run to run.

FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 2000, "connectTimeoutMS": 1000}
DEFINITIVE_SECONDS = 1.8  # under serverSelectionTimeoutMS: raised without waiting for it


@pytest.fixture(scope="module")
def client_certificates(
    ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str | None]:
    """The certificate a client presents, by name: None presents none."""
    directory = tmp_path_factory.mktemp("client-certificates")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    leaves = {
        "good": ca.issue_cert("app-client"),
        "expired": ca.issue_cert(
            "app-client",
            not_before=now - datetime.timedelta(days=30),
            not_after=now - datetime.timedelta(days=1),
        ),
        "untrusted": trustme.CA().issue_cert("app-client"),
    }
    paths: dict[str, str | None] = {"none": None}
    for name, leaf in leaves.items():
        path = directory / f"{name}.pem"
        leaf.private_key_and_cert_chain_pem.write_to_path(str(path))
        paths[name] = str(path)
    return paths


@pytest.fixture
def mutual_tls(
    tls_proxy: TLSProxyFactory, plain_mongo: MongoServer, leaf: trustme.LeafCert, ca_file: str
) -> Callable[..., str]:
    """``mutual_tls(maximum=None)``: the URI of a server that requires a client certificate
    signed by the test CA (a TLSProxy in front of ``plain_mongo``)."""

    def start(maximum: ssl.TLSVersion | None = None) -> str:
        context = server_context(leaf, maximum=maximum)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(ca_file)
        proxy = tls_proxy(context, (plain_mongo.host, plain_mongo.port))
        return plain_mongo.uri("localhost", proxy.port, tlsCAFile=ca_file)

    return start


def connect_both_ways(uri: str, certificate: str | None) -> list[AtlasConnectError]:
    """connect(verify=True), then connect_async(verify=True), each with ``certificate``.

    A certificate error is definitive: it must come before serverSelectionTimeoutMS.
    """
    keywords = {**FAST, **({"tlsCertificateKeyFile": certificate} if certificate else {})}

    async def main() -> None:
        await atlasconnect.connect_async(uri, verify=True, **keywords)

    errors = []
    for attempt in (
        (lambda: atlasconnect.connect(uri, verify=True, **keywords)),
        (lambda: asyncio.run(main())),
    ):
        start = time.monotonic()
        with pytest.raises(AtlasConnectError) as info:
            attempt()
        if isinstance(info.value, CertificateVerificationError):
            assert time.monotonic() - start < DEFINITIVE_SECONDS
        errors.append(info.value)
    return errors


def assert_refused(error: AtlasConnectError, reasons: set[str]) -> CertificateVerificationError:
    assert isinstance(error, CertificateVerificationError), repr(error)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert error.reason in reasons, error.server_errors
    assert "client" in error.found
    assert family_of(error) is atlasconnect.Family.CERTIFICATE
    assert PASSWORD not in shown(error)
    return error


def test_tls_1_2_an_expired_client_certificate(
    mutual_tls: Callable[..., str], client_certificates: dict[str, str | None]
) -> None:
    uri = mutual_tls(maximum=ssl.TLSVersion.TLSv1_2)
    for error in connect_both_ways(uri, client_certificates["expired"]):
        refused = assert_refused(error, {"client_certificate_expired"})
        assert "certificate expired" in refused.found, refused.server_errors
        assert str(client_certificates["expired"]) in refused.found
        assert "-dates" in refused.fix
        assert "tlsCertificateKeyFile" in refused.fix


def test_tls_1_2_a_client_certificate_of_an_unknown_ca(
    mutual_tls: Callable[..., str], client_certificates: dict[str, str | None]
) -> None:
    uri = mutual_tls(maximum=ssl.TLSVersion.TLSv1_2)
    for error in connect_both_ways(uri, client_certificates["untrusted"]):
        refused = assert_refused(error, {"client_certificate_untrusted"})
        assert "unknown CA" in refused.found
        assert "-issuer" in refused.fix
        assert "Self-Managed X.509" in refused.fix


def test_tls_1_2_no_client_certificate(mutual_tls: Callable[..., str]) -> None:
    """OpenSSL's TLS 1.2 server answers a missing certificate with 'handshake failure', as
    it answers a version or cipher mismatch: the explanation names both candidates."""
    uri = mutual_tls(maximum=ssl.TLSVersion.TLSv1_2)
    for error in connect_both_ways(uri, None):
        assert isinstance(error, TLSVersionRefusedError)
        assert "client certificate" in error.found
        assert "tlsCertificateKeyFile" in error.fix


@pytest.mark.parametrize(
    ("certificate", "reasons"),
    [
        # An expired certificate is found expired even when the alert was lost: this
        # machine's clock says so too (cryptography, of the test extra, decodes it).
        ("expired", {"client_certificate_expired"}),
        ("untrusted", {"client_certificate_untrusted", "client_certificate_refused"}),
    ],
)
def test_tls_1_3_a_refused_client_certificate(
    mutual_tls: Callable[..., str],
    client_certificates: dict[str, str | None],
    certificate: str,
    reasons: set[str],
) -> None:
    for error in connect_both_ways(mutual_tls(), client_certificates[certificate]):
        refused = assert_refused(error, reasons)
        assert "tlsCertificateKeyFile" in refused.fix
        if "alert" not in " ".join(refused.server_errors.values()):  # the alert was lost
            assert "right after the TLS handshake" in refused.found
            assert "most likely" in refused.found
            if certificate == "expired":
                assert "which is expired on" in refused.found


def test_tls_1_3_no_client_certificate(mutual_tls: Callable[..., str]) -> None:
    for error in connect_both_ways(mutual_tls(), None):
        if isinstance(error, CertificateVerificationError):  # the alert arrived
            assert_refused(error, {"client_certificate_required"})
            assert "presented no client certificate" in error.found
        else:  # lost: a closed connection, with the client certificate among the causes
            assert isinstance(error, ServerUnreachableError)
            assert error.reason == "closed"
            assert "right after the TLS handshake" in error.found
        assert "tlsCertificateKeyFile" in error.fix


def test_the_right_client_certificate_connects(
    mutual_tls: Callable[..., str], client_certificates: dict[str, str | None]
) -> None:
    client = atlasconnect.connect(
        mutual_tls(), tlsCertificateKeyFile=client_certificates["good"], verify=True, **FAST
    )
    client.close()


@pytest.mark.parametrize("maximum", [ssl.TLSVersion.TLSv1_2, None], ids=["TLS 1.2", "TLS 1.3"])
@pytest.mark.parametrize(
    ("certificate", "reason", "words"),
    [
        ("untrusted", "client_certificate_untrusted", "unknown CA"),
        ("expired", "client_certificate_expired", "certificate expired"),
    ],
)
def test_the_doctor_names_the_refused_client_certificate_at_its_tls_layer(
    mutual_tls: Callable[..., str],
    client_certificates: dict[str, str | None],
    maximum: ssl.TLSVersion | None,
    certificate: str,
    reason: str,
    words: str,
) -> None:
    """With TLS 1.3 the doctor waits for the server's verdict after its handshake, sending
    nothing, so that the alert arrives: always the precise reason, at the TLS layer."""
    uri = mutual_tls(maximum=maximum)
    uri += f"&tlsCertificateKeyFile={client_certificates[certificate]}"
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["doctor", uri, "--json", "--timeout", "2"])
    document = json.loads(out.getvalue())
    assert code == atlasconnect.Family.CERTIFICATE.exit_status
    error = document["verdict"]["error"]
    assert error["type"] == "CertificateVerificationError"
    assert words in error["found"]
    assert document["hosts"][0]["layers"][-1]["name"] == "tls"
    assert PASSWORD not in out.getvalue()
    report = doctor.run(uri, timeout=2)
    assert isinstance(report.error, CertificateVerificationError)
    assert report.error.reason == reason


def test_the_doctor_passes_an_accepted_client_certificate(
    mutual_tls: Callable[..., str], client_certificates: dict[str, str | None]
) -> None:
    report = doctor.run(
        mutual_tls() + f"&tlsCertificateKeyFile={client_certificates['good']}", timeout=2
    )
    assert report.error is None, report.error
    tls_layer = report.hosts[0].layers[1]
    assert tls_layer.details["version"] == "TLSv1.3"
    assert tls_layer.seconds < doctor_hosts.CLIENT_CERTIFICATE_VERDICT_SECONDS + 0.5


# The servers' words, as each backend reports them (seen on the loopback servers above:
# stdlib ssl, asyncio, pyOpenSSL from pymongo[ocsp]).
ALERTS = {
    "h:1: [SSL: SSLV3_ALERT_CERTIFICATE_EXPIRED] sslv3 alert certificate expired (_ssl.c:2580)": (
        "client_certificate_expired"
    ),
    "h:1: [('SSL routines', '', 'tls alert certificate expired')]": "client_certificate_expired",
    "SSL handshake failed: h:1: [SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca "
    "(_ssl.c:1006)": "client_certificate_untrusted",
    "h:1: [('SSL routines', '', 'tlsv1 alert unknown ca')]": "client_certificate_untrusted",
    "h:1: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required "
    "(_ssl.c:2580)": "client_certificate_required",
    "h:1: [('SSL routines', '', 'tlsv13 alert certificate required')]": (
        "client_certificate_required"
    ),
    "SSL handshake failed: h:1: [SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate "
    "(_ssl.c:1006)": "client_certificate_refused",
    "h:1: [SSL: SSLV3_ALERT_CERTIFICATE_REVOKED] sslv3 alert certificate revoked": (
        "client_certificate_refused"
    ),
    "h:1: [SSL: SSLV3_ALERT_UNSUPPORTED_CERTIFICATE] sslv3 alert unsupported certificate": (
        "client_certificate_refused"
    ),
}


@pytest.mark.parametrize(("text", "reason"), list(ALERTS.items()))
def test_explain_reads_each_alert(text: str, reason: str) -> None:
    for exc in (ServerSelectionTimeoutError(text), AutoReconnect(text)):
        error = atlasconnect.explain(exc)
        assert isinstance(error, CertificateVerificationError)
        assert error.reason == reason
        assert error.hosts == ["h:1"]


def test_a_connection_closed_mid_operation_is_still_left_to_pymongo() -> None:
    """Only a client atlasconnect made with a client certificate, failing on every server,
    reads a closed connection as a refusal: a dropped connection is pymongo's to retry."""
    assert atlasconnect.explain(AutoReconnect("h:1: EOF occurred in violation of protocol")) is None
    error = atlasconnect.explain(
        ServerSelectionTimeoutError("h:1: EOF occurred in violation of protocol, Timeout: 1s")
    )
    assert isinstance(error, ServerUnreachableError)
