"""explain() from any client: wrapped errors, real users' texts, and replica-set problems.

The texts are the ones issue 10 quotes from public threads, rebuilt as the
exception the user saw, with no client attached. Failures that loopback can
reproduce (a wrong ``replicaSet=`` name) are reproduced with real servers.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PASSWORD, REPLICA_SET
from hypothesis import given
from hypothesis import strategies as st
from pymongo import MongoClient
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidURI,
    ServerSelectionTimeoutError,
)
from servers import MongoServer

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    CertificateVerificationError,
    ConnectionStringError,
    DNSResolutionError,
    MissingDependencyError,
    NetworkAccessError,
    ServerUnreachableError,
    TLSVersionRefusedError,
    explain,
)

SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 1500, "connectTimeoutMS": 1000}
ATLAS_HOSTS = [f"ac-x1y2z3-shard-00-0{i}.abcde.mongodb.net:27017" for i in range(3)]
ALERT_80 = "SSL handshake failed: {}: [SSL: TLSV1_ALERT_INTERNAL_ERROR] tlsv1 alert internal error"


def selection_timeout(texts: list[str]) -> ServerSelectionTimeoutError:
    """A ServerSelectionTimeoutError as pymongo words it, one text per server."""
    return ServerSelectionTimeoutError(
        ", ".join(texts) + ", Timeout: 30s, Topology Description: <TopologyDescription ...>"
    )


# --- following __cause__ / __context__ --------------------------------------------------


class DatabaseError(Exception):
    """Stands for a framework's wrapper, like Django's ``django.db.utils.DatabaseError``."""


def atlas_refusal() -> ServerSelectionTimeoutError:
    return selection_timeout([ALERT_80.format(host) for host in ATLAS_HOSTS])


def wrapped(inner: BaseException, *, explicit: bool) -> DatabaseError:
    """``inner`` wrapped as a framework does: ``raise ... from`` or raised while handling."""
    try:
        try:
            raise inner
        except BaseException as exc:
            if explicit:
                raise DatabaseError("database unavailable") from exc
            raise DatabaseError("database unavailable")  # noqa: B904 (the implicit form)
    except DatabaseError as wrapper:
        return wrapper


@pytest.mark.parametrize("explicit", [True, False], ids=["cause", "context"])
def test_a_wrapped_pymongo_error_is_explained(explicit: bool) -> None:
    error = explain(wrapped(atlas_refusal(), explicit=explicit))
    assert isinstance(error, NetworkAccessError)
    assert "IP Access List" in error.fix


@given(depth=st.integers(min_value=0, max_value=10), explicit=st.lists(st.booleans()))
def test_any_depth_of_wrappers_gives_the_inner_errors_explanation(
    depth: int, explicit: list[bool]
) -> None:
    inner = atlas_refusal()
    outer: BaseException = inner
    for level in range(depth):
        outer = wrapped(outer, explicit=explicit[level] if level < len(explicit) else True)
    error = explain(outer)
    assert type(error) is type(explain(inner))


def test_a_cycle_of_contexts_ends() -> None:
    first, second = ValueError("first"), ValueError("second")
    first.__context__, second.__context__ = second, first
    assert explain(first) is None


def test_a_wrapper_with_no_connection_problem_inside_gives_none() -> None:
    assert explain(wrapped(KeyError("user_id"), explicit=True)) is None
    assert explain(ValueError("invalid literal for int() with base 10: 'x'")) is None


# --- texts users pasted -----------------------------------------------------------------

RFC_3986 = (
    "Username and password must be escaped according to RFC 3986, use urllib.parse.quote_plus"
)


@pytest.mark.parametrize(
    ("exc", "expected", "in_fix"),
    [
        (InvalidURI(RFC_3986), ConnectionStringError, "quote_plus"),
        (
            InvalidURI(f'Bad database name "/app:{PASSWORD}@cluster0"'),
            ConnectionStringError,
            "quote_plus",
        ),
        (
            InvalidURI("mongodb+srv:// URIs must not include a port number"),
            ConnectionStringError,
            "remove the port",
        ),
        (
            InvalidURI("Invalid URI scheme: URI must begin with 'mongodb://' or 'mongodb+srv://'"),
            ConnectionStringError,
            "MONGODB_URI",
        ),
        (
            InvalidURI("Port must be an integer between 0 and 65535: 'x'"),
            ConnectionStringError,
            "options",
        ),
        (
            ConfigurationError(
                'The "dnspython" module must be installed to use mongodb+srv:// URIs. To fix '
                "this error install pymongo again:\n python -m pip install pymongo>=4.3"
            ),
            MissingDependencyError,
            "pip install dnspython",
        ),
        (
            TypeError("query() got an unexpected keyword argument 'lifetime'"),
            MissingDependencyError,
            "--upgrade pymongo dnspython",
        ),
        (
            ConfigurationError("cannot open /etc/resolv.conf"),
            DNSResolutionError,
            "nameserver",
        ),
        (
            ConfigurationError(
                "The resolver configuration could not be read or specified no nameservers."
            ),
            DNSResolutionError,
            "nameserver",
        ),
        (
            ConfigurationError(
                "Unknown option: ssl_cert_reqs. Did you mean one of (sockettimeoutms, "
                "heartbeatfrequencyms, localthresholdms) or maybe a camelCase version of one?"
            ),
            ConnectionStringError,
            "replace ssl_cert_reqs",
        ),
        (ConfigurationError("Unknown option ssl_ca_certs"), ConnectionStringError, "tlsCAFile"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException | type) else None,
)
def test_configuration_texts(
    exc: BaseException, expected: type[AtlasConnectError], in_fix: str
) -> None:
    error = explain(exc)
    assert isinstance(error, expected)
    assert in_fix in error.fix
    assert PASSWORD not in str(error)


def test_no_resolver_configuration_is_its_own_reason() -> None:
    error = explain(ConfigurationError("cannot open /etc/resolv.conf"))
    assert isinstance(error, DNSResolutionError)
    assert error.reason == "no_resolver"
    assert "/etc/resolv.conf" in error.why


def test_an_unknown_option_that_was_never_pymongos_is_left_alone() -> None:
    assert explain(ConfigurationError("Unknown option: tail_of_a_password")) is None


def test_an_atlas_cluster_name_used_as_a_plain_host() -> None:
    text = "cluster0.abcde.mongodb.net:27017: [Errno -5] No address associated with hostname"
    error = explain(selection_timeout([text]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "srv_name_as_host"
    assert "use mongodb+srv://" in error.found
    assert "mongodb+srv://USER:PASSWORD@cluster0.abcde.mongodb.net/" in error.fix


def test_a_server_name_that_does_not_resolve_is_not_called_an_srv_name() -> None:
    text = f"{ATLAS_HOSTS[0]}: [Errno -2] Name or service not known"
    error = explain(selection_timeout([text]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "name_not_resolved"
    assert "getaddrinfo('ac-x1y2z3-shard-00-00.abcde.mongodb.net', 27017)" in error.fix


def test_alert_80_with_redacted_hosts_is_most_likely_the_access_list() -> None:
    texts = [ALERT_80.format(f"<shard-host-{i}>:27017") for i in range(3)]
    error = explain(selection_timeout(texts))
    assert isinstance(error, NetworkAccessError)
    assert "most likely, not certainly" in error.found
    assert "TLS-inspecting proxy" in error.found
    assert "<shard-host-0>:27017" in error.found


def test_alert_80_with_atlas_hosts_stays_certain() -> None:
    error = explain(atlas_refusal())
    assert isinstance(error, NetworkAccessError)
    assert "most likely" not in error.found


def test_a_bare_certificate_verify_failed() -> None:
    error = explain(selection_timeout([f"{ATLAS_HOSTS[0]}: [SSL: CERTIFICATE_VERIFY_FAILED]"]))
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "unverified"


def test_pyopenssl_invalid_status_response_is_ocsp() -> None:
    text = (
        f"{ATLAS_HOSTS[0]}: [('SSL routines', 'tls_process_initial_server_flight', "
        "'invalid status response')]"
    )
    error = explain(selection_timeout([text]))
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "ocsp"
    assert "OCSP" in error.why + error.fix


def test_handshake_failure_is_a_version_or_cipher_mismatch() -> None:
    text = f"{ATLAS_HOSTS[0]}: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure"
    error = explain(selection_timeout([text]))
    assert isinstance(error, TLSVersionRefusedError)
    assert "'handshake failure'" in error.found
    assert "most likely" in error.found
    assert "cipher" in error.found


def test_plain_connections_closed_by_every_atlas_host_mean_tls_is_off() -> None:
    error = explain(AutoReconnect(", ".join(f"{h}: connection closed" for h in ATLAS_HOSTS)))
    assert error is None  # an operation's connection closing: pymongo retries those
    error = explain(selection_timeout([f"{h}: connection closed" for h in ATLAS_HOSTS]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "tls_off"
    assert "tls=true" in error.fix
    assert "most likely" in error.found
    assert "IP access list" in error.found


def test_tls_closed_by_every_atlas_host_stays_the_access_list() -> None:
    texts = [
        f"SSL handshake failed: {h}: EOF occurred in violation of protocol" for h in ATLAS_HOSTS
    ]
    assert isinstance(explain(selection_timeout(texts)), NetworkAccessError)


def test_a_handshake_timeout_names_the_candidates() -> None:
    text = f"SSL handshake failed: {ATLAS_HOSTS[0]}: _ssl.c:989: The handshake operation timed out"
    error = explain(selection_timeout([text]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "not_tls"
    assert "most likely" in error.why
    assert "server_hostname='ac-x1y2z3-shard-00-00.abcde.mongodb.net'" in error.fix


def test_no_command_keeps_a_placeholder_host() -> None:
    error = explain(selection_timeout([f"{ATLAS_HOSTS[1]}: timed out (configured timeouts)"]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "timed_out"
    assert "'HOST'" not in error.fix
    assert "('ac-x1y2z3-shard-00-01.abcde.mongodb.net', 27017)" in error.fix


# --- replica sets, with real servers ------------------------------------------------------


def test_a_replica_set_name_the_server_does_not_have(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri(replicaSet="not-the-set-name")
    with pytest.raises(ServerUnreachableError) as info:
        atlasconnect.connect(uri, verify=True, tlsCAFile=ca_file, **SHORT)
    error = info.value
    assert error.reason == "replica_set_mismatch"
    assert "'not-the-set-name'" in error.found
    assert "(no server answered)" not in error.found
    assert PASSWORD not in str(error)


def test_explain_reads_the_set_name_mismatch_from_any_client(rs_mongo: MongoServer) -> None:
    client: MongoClient[Any] = MongoClient(
        rs_mongo.uri(replicaSet=f"{REPLICA_SET}-other"), serverSelectionTimeoutMS=500
    )
    try:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            client.admin.command("ping")
        error = explain(info.value, client)
    finally:
        client.close()
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "replica_set_mismatch"
