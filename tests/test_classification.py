"""Sorting per-server errors: both TLS backends' texts, and all hosts versus some."""

from __future__ import annotations

import ssl

import pytest
from pymongo.errors import AutoReconnect, NetworkTimeout, OperationFailure

from atlasconnect import (
    AuthenticationError,
    CertificateVerificationError,
    NetworkAccessError,
    ServerUnreachableError,
    SNIRefusedError,
    SNIUnsupportedError,
    TLSVersionRefusedError,
    explain,
)
from atlasconnect import _tls as tls_policy
from atlasconnect._diagnosis import ConnectionProfile, Kind, diagnose, kind_of

PROFILE = ConnectionProfile(
    "mongodb+srv://app:****@c.mongodb.net/", (), None, ssl.TLSVersion.TLSv1_2, None
)
ALERT = "SSL handshake failed: {}: [SSL: TLSV1_ALERT_INTERNAL_ERROR] tlsv1 alert internal error"
TIMEOUT = "{}: timed out (configured timeouts: connectTimeoutMS: 1000.0ms)"
HOSTS = [f"shard-00-0{i}.c.mongodb.net:27017" for i in range(3)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # stdlib ssl
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local "
            "issuer certificate (_ssl.c:1006)",
            Kind.CERTIFICATE_UNTRUSTED,
        ),
        ("certificate verify failed: certificate has expired", Kind.CERTIFICATE_EXPIRED),
        ("Hostname mismatch, certificate is not valid for 'x'.", Kind.HOSTNAME_MISMATCH),
        ("[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version", Kind.PROTOCOL_VERSION),
        (ALERT.format("h:1"), Kind.ALERT_INTERNAL_ERROR),
        ("h:1: [Errno 111] Connection refused", Kind.REFUSED),
        ("h:1: [Errno -2] Name or service not known", Kind.UNKNOWN_HOST),
        ("h:1: The handshake operation timed out", Kind.HANDSHAKE_TIMED_OUT),
        ("h:1: timed out (configured timeouts: connectTimeoutMS: 1000.0ms)", Kind.TIMED_OUT),
        ("h:1: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred", Kind.CLOSED),
        # pyOpenSSL, as pymongo[ocsp] reports them
        ("h:1: [('SSL routines', '', 'certificate verify failed')]", Kind.CERTIFICATE_UNVERIFIED),
        ("h:1: [('SSL routines', '', 'tlsv1 alert internal error')]", Kind.ALERT_INTERNAL_ERROR),
        (
            "VerificationError(errors=[DNSMismatch(mismatched_id=DNS_ID(hostname=b'x'))])",
            Kind.HOSTNAME_MISMATCH,
        ),
        ("h:1: (104, 'ECONNRESET')", Kind.CLOSED),
        # asyncio (the async client)
        ("h:1: [Errno 111] Connect call failed ('127.0.0.1', 1)", Kind.REFUSED),
        (
            "SSL handshake failed: h:1:  (configured timeouts: connectTimeoutMS: 20000.0ms)",
            Kind.CLOSED,
        ),
        ("h:1: connection is already closed", Kind.CLOSED),
        # a server's alerts about the client's certificate (stdlib, pyOpenSSL)
        (
            "h:1: [SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca",
            Kind.CLIENT_CERTIFICATE_UNTRUSTED,
        ),
        (
            "h:1: [('SSL routines', '', 'tls alert certificate expired')]",
            Kind.CLIENT_CERTIFICATE_EXPIRED,
        ),
        ("h:1: tlsv13 alert certificate required", Kind.CLIENT_CERTIFICATE_REQUIRED),
        (
            "h:1: [SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate",
            Kind.CLIENT_CERTIFICATE_REFUSED,
        ),
        ("operation cancelled", Kind.OTHER),
    ],
)
def test_kinds(text: str, kind: Kind) -> None:
    assert kind_of(text) is kind


def test_access_list_needs_every_atlas_host_to_refuse() -> None:
    every = {host: ALERT.format(host) for host in HOSTS}
    assert isinstance(diagnose(every, PROFILE, final=False), NetworkAccessError)
    mixed = {**every, HOSTS[2]: TIMEOUT.format(HOSTS[2])}
    # One host still only timing out: not yet definitive, and in the end not an access-list verdict.
    assert diagnose(mixed, PROFILE, final=False) is None
    assert isinstance(diagnose(mixed, PROFILE, final=True), ServerUnreachableError)


def test_alert_80_outside_atlas_is_unreachable_not_access_list() -> None:
    errors = {"db.example.test:27017": ALERT.format("db.example.test:27017")}
    assert diagnose(errors, PROFILE, final=False) is None
    assert isinstance(diagnose(errors, PROFILE, final=True), ServerUnreachableError)


def test_atlas_bad_auth_code_8000_is_an_authentication_error() -> None:
    error = explain(OperationFailure("bad auth : authentication failed", code=8000))
    assert isinstance(error, AuthenticationError)
    assert isinstance(error, OperationFailure)
    assert error.code == 8000
    assert "Database Access" in error.fix


def test_atlas_no_sni_is_the_runtime_sni_error() -> None:
    error = explain(OperationFailure("no SNI name sent", code=8000))
    assert isinstance(error, SNIRefusedError)
    assert isinstance(error, SNIUnsupportedError)
    assert isinstance(error, OperationFailure)
    assert 'print(ssl.HAS_SNI)"' in error.fix
    assert "not IP address" in error.fix


@pytest.mark.parametrize(
    "text",
    [
        "SSL handshake failed: h:1: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] alert protocol version",
        "h:1: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired",
        "h:1: [Errno 111] Connection refused (configured timeouts: connectTimeoutMS: 1000.0ms)",
        "h:1: [Errno -2] Name or service not known",
    ],
)
def test_an_autoreconnect_that_could_not_connect_is_explained(text: str) -> None:
    error = explain(AutoReconnect(text))
    assert isinstance(
        error, (ServerUnreachableError, CertificateVerificationError, TLSVersionRefusedError)
    )
    assert error.hosts == ["h:1"]


@pytest.mark.parametrize(
    "exc",
    [
        AutoReconnect("h:1: connection closed"),
        AutoReconnect("h:1: [Errno 104] Connection reset by peer"),
        NetworkTimeout("h:1: timed out (configured timeouts: socketTimeoutMS: 20000.0ms)"),
    ],
    ids=["closed", "reset", "timed out"],
)
def test_an_autoreconnect_in_the_middle_of_an_operation_is_left_to_pymongo(
    exc: AutoReconnect,
) -> None:
    assert explain(exc) is None


@pytest.mark.parametrize("floor", tls_policy.ALLOWED_MIN_TLS_VERSIONS, ids=lambda v: v.name)
def test_tls_version_fix_fits_the_floor(floor: ssl.TLSVersion) -> None:
    profile = ConnectionProfile("mongodb://h:1/", (), None, floor, None)
    error = diagnose({"h:1": "h:1: tlsv1 alert protocol version"}, profile, final=False)
    assert isinstance(error, TLSVersionRefusedError)
    effective = tls_policy.effective_min_tls_version(floor)
    assert error.min_tls_version == effective
    if effective > tls_policy.DEFAULT_MIN_TLS_VERSION:
        assert f"min_tls_version is {tls_policy.version_name(effective)}" in error.fix
        assert "lower min_tls_version to ssl.TLSVersion.TLSv1_2" in error.fix
    else:
        assert "min_tls_version" not in error.fix
        assert "middlebox" in error.fix
    assert "'s default" not in error.fix
    assert "openssl version" in error.fix
