"""explain() from any client: wrapped errors, real users' texts, and replica-set problems.

The texts are the ones issue 10 quotes from public threads, rebuilt as the
exception the user saw, with no client attached. Failures that loopback can
reproduce (a wrong ``replicaSet=`` name) are reproduced with real servers.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PASSWORD, REPLICA_SET
from hypothesis import assume, given
from hypothesis import strategies as st
from pymongo import MongoClient
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidURI,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)
from servers import MongoServer

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    AuthenticationError,
    CertificateVerificationError,
    CompatibilityError,
    ConnectionStringError,
    DNSResolutionError,
    MissingDependencyError,
    NetworkAccessError,
    ServerUnreachableError,
    TLSVersionRefusedError,
    _pasted,
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
            CompatibilityError,
            "refuses tlsAllowInvalidCertificates",
        ),
        (ConfigurationError("Unknown option ssl_ca_certs"), CompatibilityError, "tlsCAFile"),
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


def test_authentication_failed_without_its_code_is_still_authentication() -> None:
    error = explain(OperationFailure("Authentication failed.", None))
    assert isinstance(error, AuthenticationError)
    assert "code" not in error.found
    assert "Database Access" in error.fix
    assert explain(OperationFailure("bad auth : authentication failed", None)) is not None
    never_logged_in = explain(OperationFailure("command listDatabases requires authentication"))
    assert isinstance(never_logged_in, AuthenticationError)
    assert never_logged_in.reason == "not_logged_in"


PYMONGO_3_TOPOLOGY = (
    "{errors}, Timeout: 30s, Topology Description: <TopologyDescription id: 612fa1d1df887f96f9d"
    "da2e0, topology_type: ReplicaSetNoPrimary, servers: [{servers}]>"
)


def pymongo_3_timeout(errors: list[str], described: list[tuple[str, str]]) -> Exception:
    """pymongo 3's message: the servers' errors without their addresses, then the repr."""
    servers = ", ".join(
        f"<ServerDescription ('{host}', 27017) server_type: Unknown, rtt: None, "
        f"error=AutoReconnect({error!r})>"
        for host, error in described
    )
    return ServerSelectionTimeoutError(
        PYMONGO_3_TOPOLOGY.format(errors=",".join(errors), servers=servers)
    )


def test_pymongo_3_hosts_are_read_from_the_topology_description() -> None:
    hosts = [address.rsplit(":", 1)[0] for address in ATLAS_HOSTS]
    exc = pymongo_3_timeout(["connection closed"] * 3, [(h, "connection closed") for h in hosts])
    error = explain(exc)
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "tls_off"
    assert list(error.server_errors) == ATLAS_HOSTS
    assert "IP access list" in error.found


def test_each_described_server_keeps_its_own_error() -> None:
    described = [("db1.example.com", "timed out"), ("db2.example.com", 'refused "x"')]
    error = explain(pymongo_3_timeout(["timed out", "refused"], described))
    assert isinstance(error, ServerUnreachableError)
    assert error.server_errors == {
        "db1.example.com:27017": "timed out",
        "db2.example.com:27017": 'refused "x"',
    }


def test_a_cut_short_description_still_names_its_servers() -> None:
    cut = PYMONGO_3_TOPOLOGY.format(
        errors="timed out", servers="<ServerDescription ('db1.example.com', 27017)"
    )[:-2]
    error = explain(ServerSelectionTimeoutError(cut))
    assert isinstance(error, ServerUnreachableError)
    assert error.server_errors == {"db1.example.com:27017": "timed out"}
    assert "('db1.example.com', 27017)" in error.fix


def test_a_bare_plain_close_is_most_likely_tls_off_with_the_other_candidates() -> None:
    error = explain(ServerSelectionTimeoutError("connection closed"))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "tls_off"
    assert "most likely" in error.found
    assert "IP access list" in error.found
    assert "not Atlas" in error.found


def test_a_close_during_the_handshake_names_a_version_or_cipher_mismatch() -> None:
    text = "SSL handshake failed: db.example.com:27017: EOF occurred in violation of protocol"
    error = explain(selection_timeout([text]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "closed"
    assert "TLS versions or ciphers" in error.why


def test_service_identitys_certificate_error_is_a_host_name_mismatch() -> None:
    text = f"{ATLAS_HOSTS[0]}: module service_identity has no attribute SICertificateError"
    error = explain(selection_timeout([text]))
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "hostname_mismatch"


def test_an_empty_host_is_a_connection_string_mistake() -> None:
    error = explain(ConfigurationError("Empty host (or extra comma in host list)"))
    assert isinstance(error, ConnectionStringError)
    assert "comma" in error.found
    assert "stray comma" in error.fix


def test_dnspython_1s_words_for_a_name_that_does_not_exist() -> None:
    name = "_mongodb._tcp.cluster0.abcde.mongodb.net."
    error = explain(ConfigurationError(f"None of DNS query names exist: {name}, {name}"))
    assert isinstance(error, DNSResolutionError)
    assert error.reason == "name_not_found"
    assert error.host == "cluster0.abcde.mongodb.net"


def _srv_host_refused(host: str) -> ConfigurationError:
    """pymongo's words for a mongodb+srv:// host that is not a DNS name of three or more parts."""
    return ConfigurationError(
        f"Invalid URI host: {host} is not a valid hostname for 'mongodb+srv://'. "
        "Did you mean to use 'mongodb://'?"
    )


@pytest.mark.parametrize("host", ["none", "None"])
def test_none_as_the_srv_host_is_an_unset_variable(host: str) -> None:
    error = explain(_srv_host_refused(host))
    assert isinstance(error, ConnectionStringError)
    assert "None" in error.found
    assert "environment variable" in error.found
    assert "is set where the program runs" in error.fix


@given(host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z0-9-]{1,10})?", fullmatch=True))
def test_a_host_too_short_for_srv_is_a_connection_string_mistake(host: str) -> None:
    assume(host != "none")
    error = explain(_srv_host_refused(host))
    assert isinstance(error, ConnectionStringError)
    assert "mongodb://" in error.fix


@given(cuts=st.lists(st.integers(min_value=1, max_value=60), max_size=4))
def test_spaces_a_paste_put_inside_words_do_not_hide_the_dns_reason(cuts: list[int]) -> None:
    text = "The resolver configuration could not be read or specified no nameservers."
    for cut in sorted(set(cuts), reverse=True):
        text = text[:cut] + " " + text[cut:]
    error = explain(ConfigurationError(text))
    assert isinstance(error, DNSResolutionError)
    assert error.reason == "no_resolver"


def test_no_servers_found_yet_is_no_answer() -> None:
    error = explain(ServerSelectionTimeoutError("No servers found yet, Timeout: 1.0s"))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "no_answer"


# --- replica sets, from pymongo's words ---------------------------------------------------


@pytest.mark.parametrize(
    "said", ["No primary available for writes", 'No replica set members match selector "Primary()"']
)
def test_servers_that_answered_with_no_primary_among_them(said: str) -> None:
    error = explain(ServerSelectionTimeoutError(f"{said}, Timeout: 30s, Topology Description: <>"))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "no_primary"
    assert "election" in error.why


def test_a_selector_other_than_primary_is_not_called_no_primary() -> None:
    said = 'No replica set members match selector "Secondary(tag_sets=None)"'
    error = explain(ServerSelectionTimeoutError(said))
    assert getattr(error, "reason", None) != "no_primary"


def test_a_set_name_no_server_has_is_read_from_pymongos_words() -> None:
    said = 'No replica set members available for replica set name "rs-wrong"'
    error = explain(ServerSelectionTimeoutError(f"{said}, Timeout: 30s"))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "replica_set_mismatch"
    assert "'rs-wrong'" in error.found
    assert "replicaSet=" in error.fix


@pytest.mark.parametrize(
    "exc",
    [
        NotPrimaryError("not primary"),
        NotPrimaryError("node is recovering"),
        AutoReconnect("not master"),
        AutoReconnect("not master and slaveOk=false"),
    ],
    ids=str,
)
def test_a_server_that_says_it_is_not_the_primary(exc: Exception) -> None:
    error = explain(exc)
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "no_primary"
    assert str(exc) in error.found
    assert "directConnection=true" in error.why


@pytest.mark.parametrize(
    ("pasted", "reason"),
    [
        ("not master", "no_primary"),
        ("No primary available for writes, Timeout: 30s", "no_primary"),
        ('No replica set members available for replica set name "rs1"', "replica_set_mismatch"),
    ],
)
def test_a_bare_pasted_replica_set_text_is_recognised(pasted: str, reason: str) -> None:
    error = _pasted.explain_text(pasted)
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == reason


def test_not_master_outside_a_pymongo_error_is_left_alone() -> None:
    assert explain(KeyError("not master")) is None
    assert explain(AutoReconnect("cannot master this")) is None


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


def test_an_ipv6_server_is_named_with_brackets_in_the_fix() -> None:
    """pymongo writes "::1:27017"; the fix names it as a connection string does."""
    exc = selection_timeout(["::1:27017: _ssl.c:990: The handshake operation timed out"])
    error = explain(exc)
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "not_tls"
    assert "check that [::1]:27017 is" in error.fix


def test_an_error_no_table_knows_is_quoted_not_guessed() -> None:
    """A server error atlasconnect has never seen: its words, no firewall story, and the
    doctor to find the layer; marked uncertain, with no other family to offer."""
    words = "TLS engine state 0x7f unexpected in record layer"
    error = explain(selection_timeout([f"db.example.com:27017: {words}"]))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "unrecognised"
    assert words in error.found
    assert "(other)" not in error.found
    assert "Connection string" not in error.found  # no client: nothing to show
    assert "firewall" not in error.why
    assert "atlasconnect doctor" in error.fix
    assert (error.certain, error.alternatives) == (False, ())
