"""explain() reads the tables, not a list of examples: every row of OpenSSL's verification
errors and of dnspython's exceptions gives its reason, in the texts those libraries print.

The texts are made from the rows themselves (the same words the libraries
print, wrapped as pymongo wraps them), so a row added to a table is tested
without a test written for it; the failures that loopback can produce are also
produced for real: an IP address the certificate does not cover, an SRV
record that points outside its domain, a dnspython exception under other words.
"""

from __future__ import annotations

import string
from typing import Any
from urllib.parse import quote_plus

import dns.exception
import dns.resolver
import pymongo
import pytest
import trustme
from conftest import PASSWORD
from pymongo.errors import ConfigurationError, ServerSelectionTimeoutError
from servers import FakeDNS, MongoServer, TLSProxyFactory, server_context
from shown import shown

import atlasconnect
from atlasconnect import CertificateVerificationError, DNSResolutionError, explain
from atlasconnect._tables import dnspython, openssl

HOST = "ac-x1y2z3-shard-00-00.abcde.mongodb.net:27017"
SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 1500, "connectTimeoutMS": 1000}
# What each table reason is called on the error; the table's "hostname_mismatch" covers
# IP addresses too, which the error names apart.
ERROR_REASON = {"strict_x509": "strict_x509", "revoked": "revoked"}


def verify_failure(text: str) -> ServerSelectionTimeoutError:
    """pymongo's words for a server whose certificate failed with OpenSSL's ``text``."""
    return ServerSelectionTimeoutError(
        f"{HOST}: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {text} "
        "(_ssl.c:1006) (configured timeouts: socketTimeoutMS: 20000.0ms, connectTimeoutMS: "
        "20000.0ms), Timeout: 30s, Topology Description: <TopologyDescription ...>"
    )


TABLE_ROWS = [row for row in openssl.VERIFY_ERRORS.values() if row.reason in ERROR_REASON]


@pytest.mark.parametrize("row", TABLE_ROWS, ids=[row.name for row in TABLE_ROWS])
def test_each_revocation_and_strict_x509_error_gives_its_reason(row: openssl.VerifyError) -> None:
    for text in (row.text, *row.other_texts):
        error = explain(verify_failure(text))
        assert isinstance(error, CertificateVerificationError), text
        assert error.reason == ERROR_REASON[row.reason], text
        assert row.text in error.found  # OpenSSL 3's words, whichever spelling came
        assert text in error.server_errors[HOST]
        assert error.fix == row.fix
        assert error.hosts == [HOST]


def test_the_table_has_rows_of_both_reasons() -> None:
    assert {row.reason for row in TABLE_ROWS} == set(ERROR_REASON)


def test_an_ip_address_the_certificate_does_not_cover(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, ca: trustme.CA, ca_file: str
) -> None:
    """A certificate for names only, reached by its IP address: CPython's own text, or
    service_identity's ``IPAddressMismatch`` with pymongo's pyOpenSSL backend."""
    names_only = server_context(ca.issue_cert("localhost"))
    proxy = tls_proxy(names_only, (plain_mongo.host, plain_mongo.port))
    uri = plain_mongo.uri("127.0.0.1", proxy.port)
    with pytest.raises(CertificateVerificationError) as info:
        atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True, **SHORT)
    error = info.value
    assert error.reason == "ip_address_mismatch"
    assert "IP address mismatch" in error.found
    assert isinstance(error, ServerSelectionTimeoutError)
    assert error.hosts == [f"127.0.0.1:{proxy.port}"]
    assert "Database > Connect" in error.fix
    assert PASSWORD not in shown(error)


# --- dnspython: by the exception's class, else by its words -----------------------------


def lookup_failure(cause: BaseException, words: str) -> ConfigurationError:
    """pymongo's ConfigurationError for a failed SRV lookup, raised from dnspython's."""
    try:
        raise ConfigurationError(words) from cause
    except ConfigurationError as exc:
        return exc


DNS_ROWS = [row for row in dnspython.DNS_ERRORS if row.reason != "invalid_name"]


def filled(template: str) -> str:
    """A dnspython text with each ``{field}`` filled as dnspython fills it."""
    parts = []
    for literal, field, spec, _ in string.Formatter().parse(template):
        value: object = 2.0 if spec else "_mongodb._tcp.cluster0.abcde.mongodb.net."
        parts.append(literal + (format(value, spec or "") if field is not None else ""))
    return "".join(parts)


@pytest.mark.parametrize("row", DNS_ROWS, ids=[row.name for row in DNS_ROWS])
def test_each_dnspython_text_gives_its_rows_reason(row: dnspython.DnsError) -> None:
    for text in row.texts:
        error = explain(ConfigurationError(filled(text.text)))
        assert isinstance(error, DNSResolutionError), text
        assert error.reason == row.reason, text


@pytest.mark.parametrize("row", DNS_ROWS, ids=[row.name for row in DNS_ROWS])
def test_each_dnspython_class_gives_its_rows_reason_whatever_the_words(
    row: dnspython.DnsError,
) -> None:
    cls = getattr(__import__(row.module, fromlist=[row.name]), row.name)
    cause = cls.__new__(cls)
    error = explain(lookup_failure(cause, "The DNS query failed."))
    assert isinstance(error, DNSResolutionError)
    assert error.reason == row.reason


def test_a_class_outside_dnspython_with_a_dnspython_name_is_not_trusted() -> None:
    class NXDOMAIN(Exception):
        pass

    assert explain(lookup_failure(NXDOMAIN(), "The DNS query failed.")) is None


def test_a_subclass_of_a_dnspython_class_gives_its_reason() -> None:
    class Filtered(dns.resolver.NoNameservers):
        pass

    error = explain(lookup_failure(Filtered(), "The DNS query failed."))  # type: ignore[no-untyped-call]
    assert isinstance(error, DNSResolutionError)
    assert error.reason == "resolver_failed"


def test_dnspython_timeout_under_any_words() -> None:
    timeout = dns.exception.Timeout(timeout=2.0)  # type: ignore[no-untyped-call]
    error = explain(lookup_failure(timeout, "timed out"))
    assert isinstance(error, DNSResolutionError)
    assert error.reason == "resolver_failed"


def test_an_srv_record_pointing_outside_its_domain(dns_env: FakeDNS, ca_file: str) -> None:
    """The SRV record of cluster0.example.test names a host of another domain: pymongo
    refuses it ("Invalid SRV host"), as it should a forged answer."""
    dns_env.set_srv("_mongodb._tcp.cluster0.example.test", [("db.elsewhere.test", 27017)])
    uri = f"mongodb+srv://app:{quote_plus(PASSWORD)}@cluster0.example.test/"
    with pytest.raises(DNSResolutionError) as info:
        atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True)
    error = info.value
    assert error.reason == "srv_target_outside_domain"
    assert "db.elsewhere.test" in error.found
    assert "cluster0.example.test" in error.found
    assert "forged" in error.why
    assert isinstance(error, ConfigurationError)
    assert PASSWORD not in shown(error)
    assert quote_plus(PASSWORD) not in shown(error)
    with pytest.raises(ConfigurationError) as raised:
        pymongo.MongoClient(uri, tlsCAFile=ca_file)
    assert "Invalid SRV host" in str(raised.value)
    pasted = explain(ConfigurationError(str(raised.value)))
    assert isinstance(pasted, DNSResolutionError)
    assert pasted.reason == "srv_target_outside_domain"
