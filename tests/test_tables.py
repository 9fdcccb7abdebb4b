"""The tables of atlasconnect/_tables against what the running libraries say.

No network: the TLS failures are provoked on 127.0.0.1 with trustme certificates.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import importlib
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import dns.exception
import dns.name
import dns.resolver
import pymongo
import pymongo.common
import pymongo.helpers_shared
import pymongo.server_type
import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from atlasconnect._tables import dnspython, errnos, openssl, pymongo_options, server_codes
from atlasconnect._tables import server_types as types_table

LOOPBACK = "127.0.0.1"

# (table name, rows, a row's name) for the checks every table shares.
_TABLES: list[tuple[str, Iterable[Any], Callable[[Any], object]]] = [
    ("server codes", server_codes.CODES.values(), lambda row: row.code),
    ("server code names", server_codes.CODES.values(), lambda row: row.name or row.code),
    ("atlas texts", server_codes.ATLAS_TEXTS, lambda row: row.words),
    ("pymongo texts", server_codes.PYMONGO_TEXTS, lambda row: row.words),
    ("verify errors", openssl.VERIFY_ERRORS.values(), lambda row: row.name),
    ("alerts", openssl.ALERTS.values(), lambda row: row.number),
    ("removed", pymongo_options.REMOVED.values(), lambda row: row.name.lower()),
    ("dnspython", dnspython.DNS_ERRORS, lambda row: (row.module, row.name)),
    ("errnos", errnos.ERRNOS.values(), lambda row: (row.platform, row.number)),
    ("server types", types_table.SERVER_TYPES.values(), lambda row: row.name),
]


@pytest.mark.parametrize(("table", "rows", "key"), _TABLES, ids=[t[0] for t in _TABLES])
def test_rows_explain_themselves(
    table: str, rows: Iterable[Any], key: Callable[[Any], object]
) -> None:
    rows = list(rows)
    assert rows, table
    keys = [key(row) for row in rows]
    assert len(keys) == len(set(keys)), f"{table}: names not unique"
    for row in rows:
        for field in ("meaning", "fix"):
            text = getattr(row, field)
            assert text.strip() == text, (table, key(row), field)
            assert len(text) > 15, (table, key(row), field, text)
            assert text.endswith("."), (table, key(row), field, text)
            assert "  " not in text, (table, key(row), field, text)


# -- server codes ------------------------------------------------------------------


def _pymongo_codes() -> set[int]:
    """Every code pymongo names in its code sets, on the installed release."""
    # The transaction codes moved to client_session_shared after pymongo 4.13.
    try:
        module = importlib.import_module("pymongo.client_session_shared")
    except ImportError:
        module = importlib.import_module("pymongo.synchronous.client_session")
    commit_codes: frozenset[int] = module._UNKNOWN_COMMIT_ERROR_CODES

    helpers = pymongo.helpers_shared
    return (
        set(helpers._NOT_PRIMARY_CODES)
        | set(helpers._SHUTDOWN_CODES)
        | set(helpers._RETRYABLE_ERROR_CODES)
        | set(commit_codes)
        | set(pymongo.common.UNAUTHORIZED_CODES)
        | set(pymongo.common.COMMAND_NOT_FOUND_CODES)
        | {helpers._AUTHENTICATION_FAILURE_CODE, helpers._REAUTHENTICATION_REQUIRED_CODE}
    )


def test_every_code_pymongo_names_is_a_row() -> None:
    assert _pymongo_codes() <= set(server_codes.CODES)


def test_pymongo_not_primary_codes_are_the_tables() -> None:
    """pymongo's 'not primary' set is the NotPrimaryError and ShutdownError categories
    (and LegacyNotPrimary): the table says the same of each code."""
    for code in pymongo.helpers_shared._NOT_PRIMARY_CODES:
        row = server_codes.CODES[code]
        assert {"NotPrimaryError", "ShutdownError"} & set(row.categories) or code == 10058, row
    for code in pymongo.helpers_shared._SHUTDOWN_CODES:
        assert "ShutdownError" in server_codes.CODES[code].categories


def test_codes_without_a_yml_name_say_where_they_come_from() -> None:
    for row in server_codes.CODES.values():
        if row.name is None:
            assert row.source == "pymongo"
            assert row.code in pymongo.common.UNAUTHORIZED_CODES
    assert server_codes.CODES[8000].source == "atlas"


@pytest.mark.parametrize(
    ("message", "family"),
    [
        ("bad auth : Authentication failed.", "authentication"),
        ("user is not allowed to do action [getLog] on [admin.]", "authorization"),
        ("you are over your space quota, using 512 MB of 512 MB", "quota"),
        ("no SNI name sent, make sure using a MongoDB 3.4+ driver/shell.", "configuration"),
        (
            "(Unauthorized) not authorized on admin to execute command { replSetGetConfig: 1 }",
            "authorization",
        ),
        ("cannot create a new collection -- already using 527 collections of 500", "quota"),
        ("Unallowed argument in listDatabases command: authorizedDatabases", "compatibility"),
    ],
)
def test_atlas_texts(message: str, family: str) -> None:
    row = server_codes.atlas_text(message)
    assert row is not None
    assert row.family == family
    assert row.url.startswith("https://github.com/")


def test_pymongo_wire_version_texts_are_this_pymongos() -> None:
    """The words of PYMONGO_TEXTS are in the installed pymongo's source."""
    import inspect
    import re

    from pymongo import topology_description

    # Literals split over lines ("... but this "  # comment\n "version of ...") joined.
    source = re.sub(r'"\s*(?:#[^\n]*)?\n\s*f?"', "", inspect.getsource(topology_description))
    source = source.lower()
    for row in server_codes.PYMONGO_TEXTS[:2]:
        for word in row.words:
            assert word in source, word


# -- OpenSSL: verification errors, provoked on loopback ------------------------------


class _Server:
    """A TLS server on 127.0.0.1 that completes (or fails) one handshake per connection."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.sock = socket.create_server((LOOPBACK, 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                conn.settimeout(5)
                with self.context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    def close(self) -> None:
        # close() does not wake a thread blocked in accept() on Linux; shutdown() does.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(5)


def _handshake(
    server_context: ssl.SSLContext,
    trust: trustme.CA,
    host: str,
    configure: Callable[[ssl.SSLContext], None] | None = None,
) -> ssl.SSLError:
    """The error of a client handshake with a server using ``server_context``."""
    server = _Server(server_context)
    try:
        context = ssl.create_default_context()
        trust.configure_trust(context)
        if configure is not None:
            configure(context)
        with (
            socket.create_connection((LOOPBACK, server.port), timeout=5) as raw,
            pytest.raises(ssl.SSLError) as caught,
            context.wrap_socket(raw, server_hostname=host),
        ):
            pass
        return caught.value
    finally:
        server.close()


def _serving(leaf: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    return context


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _self_signed(key_pem_path: Any, cert_pem_path: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_pem_path, key_pem_path)
    return context


def _verify_cases(ca: trustme.CA, tmp_path: Any) -> Iterator[tuple[str, ssl.SSLContext, str]]:
    """(expected reason, server context, host the client asks for)."""
    yield "untrusted", _serving(trustme.CA().issue_cert("localhost")), "localhost"
    day = datetime.timedelta(days=1)
    expired = ca.issue_cert("localhost", not_before=_now() - 9 * day, not_after=_now() - day)
    yield "expired", _serving(expired), "localhost"
    future = ca.issue_cert("localhost", not_before=_now() + day, not_after=_now() + 9 * day)
    yield "expired", _serving(future), "localhost"
    yield "hostname_mismatch", _serving(ca.issue_cert("other.example")), "localhost"
    yield "hostname_mismatch", _serving(ca.issue_cert("127.0.0.2")), LOOPBACK
    # A certificate that signs itself: a CA's own certificate served as the leaf.
    alone = trustme.CA()
    cert, key = tmp_path / "self.pem", tmp_path / "self.key"
    alone.cert_pem.write_to_path(str(cert))
    alone.private_key_pem.write_to_path(str(key))
    yield "untrusted", _self_signed(key, cert), "localhost"
    # A chain that ends in a root the client does not trust.
    other = trustme.CA()
    chain = tmp_path / "chain.pem"
    leaf = other.issue_cert("localhost")
    chain.write_bytes(
        leaf.private_key_pem.bytes()
        + b"".join(blob.bytes() for blob in leaf.cert_chain_pems)
        + other.cert_pem.bytes()
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(chain))
    yield "untrusted", context, "localhost"


def test_verification_failures_are_in_the_table(ca: trustme.CA, tmp_path: Any) -> None:
    seen = set()
    for reason, context, host in _verify_cases(ca, tmp_path):
        error = _handshake(context, ca, host)
        assert isinstance(error, ssl.SSLCertVerificationError), error
        row = openssl.verify_error(error.verify_message)
        assert row is not None, error.verify_message
        assert row.reason == reason, (error.verify_message, row)
        assert row.code == error.verify_code, (error.verify_message, row)
        seen.add(row.name)
    assert seen == {
        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        "X509_V_ERR_CERT_HAS_EXPIRED",
        "X509_V_ERR_CERT_NOT_YET_VALID",
        "X509_V_ERR_HOSTNAME_MISMATCH",
        "X509_V_ERR_IP_ADDRESS_MISMATCH",
        "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
        "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
    }


def _strict_chain(tmp_path: Any, *, critical: bool, key_usage: bool) -> tuple[str, ssl.SSLContext]:
    """A CA (written to a file, to trust) and a server whose leaf it signed, the CA breaking
    Python 3.13's strict rules as asked."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "strict test CA")])
    start, end = _now() - datetime.timedelta(days=1), _now() + datetime.timedelta(days=9)
    builder = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=critical)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
    ca_cert = builder.sign(ca_key, hashes.SHA256())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, chain = tmp_path / "strict-ca.pem", tmp_path / "strict-leaf.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    chain.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + leaf.public_bytes(serialization.Encoding.PEM)
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(chain))
    return str(ca_file), context


@pytest.mark.skipif(not hasattr(ssl, "VERIFY_X509_STRICT"), reason="no strict flag")
@pytest.mark.parametrize(
    ("critical", "key_usage", "text"),
    [
        (False, True, "Basic Constraints of CA cert not marked critical"),
        (True, False, "CA cert does not include key usage extension"),
    ],
)
def test_strict_x509_failures_are_in_the_table(
    tmp_path: Any, critical: bool, key_usage: bool, text: str
) -> None:
    ca_file, context = _strict_chain(tmp_path, critical=critical, key_usage=key_usage)

    def strict(client: ssl.SSLContext) -> None:
        client.load_verify_locations(ca_file)
        client.verify_flags |= ssl.VERIFY_X509_STRICT

    error = _handshake(context, trustme.CA(), "localhost", strict)
    assert isinstance(error, ssl.SSLCertVerificationError), error
    assert error.verify_message == text
    row = openssl.verify_error(error.verify_message)
    assert row is not None
    assert row.reason == "strict_x509"
    assert row.code == error.verify_code


def test_verify_texts_are_distinct_and_self_consistent() -> None:
    for row in openssl.VERIFY_ERRORS.values():
        assert row.name.startswith("X509_V_ERR_")
        assert openssl.verify_error(f"certificate verify failed: {row.text} (_ssl.c:1006)") == row
        for other in row.other_texts:
            assert openssl.verify_error(other) == row, other
    assert (
        openssl.verify_error("self signed certificate in certificate chain")
        == (openssl.VERIFY_ERRORS[19])
    )


# -- OpenSSL: TLS alerts, sent by a loopback server --------------------------------


def test_alerts_are_pythons_alert_descriptions() -> None:
    members = {member.name: member.value for member in ssl.AlertDescription}
    named = {row.member: row.number for row in openssl.ALERTS.values() if row.member is not None}
    assert named == members


@pytest.mark.parametrize(
    "member",
    [m for m in ssl.AlertDescription if m != ssl.AlertDescription.ALERT_DESCRIPTION_CLOSE_NOTIFY],
)
def test_alert_as_python_prints_it(ca: trustme.CA, member: ssl.AlertDescription) -> None:
    """The server sends the alert (its SNI callback returns it); the client's error text
    is ``[SSL: REASON] text`` as in the table."""
    context = _serving(ca.issue_cert("localhost"))
    context.sni_callback = lambda _sock, _name, _context: member.value
    error = _handshake(context, ca, "localhost")
    row = openssl.ALERTS[member.value]
    assert row.text is not None
    assert row.reason is not None
    assert row.text in str(error), (str(error), row)
    assert error.reason in (row.reason, None), (error.reason, row)
    assert openssl.alert(str(error)) == row


# -- pymongo's removed options -----------------------------------------------------


def _resolve(path: str) -> object:
    """A pymongo class, method or attribute from ``Class.attr`` or ``module.attr``."""
    first, _, rest = path.partition(".")
    namespace = {
        "MongoClient": pymongo.MongoClient,
        "Database": pymongo.database.Database,
        "Collection": pymongo.collection.Collection,
        "Cursor": pymongo.cursor.Cursor,
    }
    target: object = namespace.get(first) or getattr(pymongo, first, None)
    if target is None:
        target = importlib.import_module(f"pymongo.{first}")
    for part in rest.split(".") if rest else ():
        target = getattr(target, part)
    return target


def test_removed_options_are_not_valid_and_replacements_are() -> None:
    valid = pymongo_options.valid_options()
    for row in pymongo_options.REMOVED.values():
        if row.kind == "option":
            assert (row.name.lower() in valid) == row.still_accepted, row.name
        for replacement in row.replacement:
            if replacement.lower() not in valid:
                assert _resolve(replacement) is not None, (row.name, replacement)


def test_removed_methods_are_gone() -> None:
    for row in pymongo_options.REMOVED.values():
        if row.kind not in ("method", "attribute", "class", "exception"):
            continue
        for place in row.where:
            owner = place.rpartition(".")[0] if "." in place and row.kind != "class" else place
            try:
                target = _resolve(owner)
            except (ImportError, AttributeError):
                continue  # the owner module itself went (pymongo.son_manipulator...)
            assert not hasattr(target, row.name), (place, row.name)


def test_removed_looks_up_any_letter_case() -> None:
    assert pymongo_options.removed("SSL_CERT_REQS") == pymongo_options.REMOVED["ssl_cert_reqs"]
    assert pymongo_options.removed("sockettimeoutms") is None
    row = pymongo_options.removed("ssl_cert_reqs")
    assert row is not None
    assert "refuses" in row.fix


def test_valid_options_and_closest() -> None:
    valid = pymongo_options.valid_options()
    assert valid["tlscafile"] == "tlsCAFile"
    assert "ssl" in valid
    assert "username" in valid
    assert pymongo_options.closest("tlsCaFiles") == "tlsCAFile"
    assert pymongo_options.closest("retryWrite") == "retryWrites"
    assert pymongo_options.closest("zzzz") is None
    for spelling in pymongo_options._SPELLINGS:
        assert (
            spelling.lower() in valid
            or spelling in ("srvAllowedHostsSuffix",)
            or (spelling == "srv_host_validator")
        ), spelling


# -- dnspython ---------------------------------------------------------------------

_QNAME = dns.name.from_text("_mongodb._tcp.cluster0.abcde.mongodb.net")
# Errors as dnspython's resolver records them: (server, TCP, port, error, response).
_TIMED_OUT = ("Do53:192.0.2.53@53", False, 53, "The DNS operation timed out.", None)
_SERVFAIL = ("Do53:192.0.2.53@53", False, 53, "SERVFAIL", None)


def _instances() -> list[tuple[str, BaseException, str]]:
    """(class name, an instance, what dnspython prints for it) for the classes with fields."""
    import dns.message

    # dnspython's exception classes are not annotated.
    resolver: Any = dns.resolver
    exception: Any = dns.exception
    name: Any = dns.name

    request = dns.message.make_query(_QNAME, "SRV")
    question = str(request.question[0])
    response = dns.message.make_response(request)
    qname = str(_QNAME)
    other = "cluster0.abcde.mongodb.net."
    return [
        (
            "NXDOMAIN",
            resolver.NXDOMAIN(qnames=[_QNAME], responses={}),
            f"The DNS query name does not exist: {qname}",
        ),
        (
            "NoAnswer",
            resolver.NoAnswer(response=response),
            f"The DNS response does not contain an answer to the question: {question}",
        ),
        (
            "NoNameservers",
            resolver.NoNameservers(request=request, errors=[]),
            f"All nameservers failed to answer the query {question}: ",
        ),
        (
            "LifetimeTimeout",
            resolver.LifetimeTimeout(timeout=5.0, errors=[_TIMED_OUT]),
            "The resolution lifetime expired after 5.000 seconds: Server Do53:192.0.2.53@53 "
            "answered The DNS operation timed out.",
        ),
        (
            "NoNameservers",
            resolver.NoNameservers(request=request, errors=[_SERVFAIL]),
            f"All nameservers failed to answer the query {question}: Server "
            "Do53:192.0.2.53@53 answered SERVFAIL",
        ),
        (
            "Timeout",
            exception.Timeout(timeout=2.0),
            "The DNS operation timed out after 2.000 seconds",
        ),
        (
            "NoResolverConfiguration",
            resolver.NoResolverConfiguration("cannot open /etc/resolv.conf"),
            "cannot open /etc/resolv.conf",
        ),
        (
            "IDNAException",
            name.IDNAException(idna_exception="bad label"),
            "IDNA processing exception: bad label",
        ),
        (
            "NXDOMAIN",
            resolver.NXDOMAIN(qnames=[_QNAME, dns.name.from_text(other)], responses={}),
            f"None of DNS query names exist: {qname}, {other}",
        ),
    ]


def test_dnspython_classes_exist() -> None:
    for row in dnspython.DNS_ERRORS:
        module = importlib.import_module(row.module)
        cls = getattr(module, row.name)
        assert issubclass(cls, dns.exception.DNSException), row.name


def test_dnspython_texts_are_what_dnspython_prints() -> None:
    """Each text of the installed dnspython's era, filled in, is ``str()`` of an instance;
    a class raised without arguments prints its docstring-form text."""
    current = {"1.16+", "2.0+", "2.2+", "1.16+ (no arguments)", "2.0+ (Windows, no DNS server)"}
    for key, instance, expected in _instances():
        row = dnspython.dns_error(key)
        assert row is not None
        assert str(instance) == expected, key
        templates = [text.text for text in row.texts if text.versions in current]
        assert any(_fits(template, expected) for template in templates), (key, templates)
    for row in dnspython.DNS_ERRORS:
        cls = getattr(importlib.import_module(row.module), row.name)
        plain = [t.text for t in row.texts if "{" not in t.text and t.versions in current]
        if plain and row.name not in ("NoResolverConfiguration", "NoNameservers"):
            assert str(cls()) in plain, (row.name, str(cls()))
    plain_row = dnspython.dns_error("NoResolverConfiguration")
    assert plain_row is not None
    unconfigured: Any = dns.resolver.NoResolverConfiguration
    assert str(unconfigured()) in [text.text for text in plain_row.texts]


def _fits(template: str, text: str) -> bool:
    """Whether ``text`` is ``template`` with its fields filled in."""
    import re

    pattern = re.escape(template)
    pattern = re.sub(r"\\\{[a-z0-9_]+(?::[^}]*)?\\\}", ".+?", pattern)
    return re.fullmatch(pattern, text) is not None


def test_dnspython_names_raise_what_the_table_says() -> None:
    cases = {
        "cluster0..mongodb.net": "EmptyLabel",
        "x" * 64 + ".mongodb.net": "LabelTooLong",
        ".".join(["a" * 60] * 5): "NameTooLong",
    }
    for text, name in cases.items():
        with pytest.raises(dns.exception.DNSException) as caught:
            dns.name.from_text(text)
        assert type(caught.value).__name__ == name
        row = dnspython.dns_error(name)
        assert row is not None
        assert str(caught.value) == row.texts[0].text


# -- errnos ------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux rows are checked on Linux")
def test_linux_errnos_are_this_linuxs() -> None:
    """Numbers and texts of the socket errors are Python's errno module and glibc's strerror;
    the numbers of the name lookup errors are the socket module's EAI_* (Python exposes no
    gai_strerror: their texts are glibc's, from its source)."""
    import os

    for row in errnos.ERRNOS.values():
        if row.platform != "linux":
            continue
        if row.symbol.startswith("EAI_"):
            assert getattr(socket, row.symbol) == row.number, row.symbol
            continue
        assert getattr(errno, row.symbol) == row.number, row.symbol
        assert str(OSError(row.number, os.strerror(row.number))) == row.printed


def test_a_refused_connection_prints_a_row() -> None:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionRefusedError) as caught:
        socket.create_connection((LOOPBACK, port), timeout=5)
    row = errnos.errno_of(str(caught.value))
    assert row is not None
    assert row.reason == "refused"


def test_every_platform_has_the_brief_s_rows() -> None:
    for key in [("linux", 111), ("macos", 61), ("windows", 10061), ("windows", 10060)]:
        assert key in errnos.ERRNOS
    for key in [("windows", 10065), ("windows", 10051), ("windows", 11001), ("windows", 10013)]:
        assert key in errnos.ERRNOS
    for key in [("linux", -2), ("linux", -3), ("linux", -5), ("macos", 8), ("windows", 11004)]:
        assert key in errnos.ERRNOS


# -- server types ------------------------------------------------------------------


def test_server_types_are_pymongos() -> None:
    pymongos = dict(pymongo.server_type.SERVER_TYPE._asdict())
    assert {row.name: row.number for row in types_table.SERVER_TYPES.values()} == pymongos
