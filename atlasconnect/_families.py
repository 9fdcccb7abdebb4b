"""The failure families and the reasons within them: the one place that names both.

Every error atlasconnect raises belongs to one family: the class says which
(:attr:`AtlasConnectError.family <atlasconnect.AtlasConnectError.family>`),
and an error that carries a :class:`Reason` belongs to that reason's family,
which may be another than its class's (a server closing plain connections is
a ``ServerUnreachableError`` whose fix is in the configuration). The
command's exit statuses, the ``family`` and ``exit_code`` of ``atlasconnect
doctor --json`` (and its schema, ``doctor-schema.json``), the exit status table
of the doctor's documentation and the README are all this table;
``tests/test_families.py`` fails when one of them says otherwise.

The set is closed and small on purpose: a family is what a program or a
script branches on (which team to call, whether retrying can help), so a new
cause of failure becomes a :class:`Reason` of an existing family before it
becomes a family.
"""

from __future__ import annotations

import enum

__all__ = ["Family", "Reason"]


class Family(enum.Enum):
    """A failure family: its name (the member's value) and the command's exit status.

    .. versionadded:: 0.1.0
    """

    exit_status: int
    """The exit status of ``atlasconnect`` and ``atlasconnect doctor`` for this family."""

    def __new__(cls, name: str, exit_status: int) -> Family:
        member = object.__new__(cls)
        member._value_ = name
        member.exit_status = exit_status
        return member

    ENVIRONMENT = "environment", 10
    """This Python cannot reach Atlas safely: SNI, TLS versions, the CA bundle, a package."""
    CONFIGURATION = "configuration", 11
    """The connection string or an option is malformed, or would lower the security."""
    DNS = "dns", 12
    """A name of the connection string cannot be resolved (the ``mongodb+srv://`` name)."""
    NETWORK_ACCESS = "network_access", 13
    """Atlas refused this machine: its public IP address is not on the IP access list."""
    CERTIFICATE = "certificate", 14
    """The server's certificate cannot be verified, or the server refused this client's."""
    TLS_VERSION = "tls_version", 15
    """The server refused every TLS version this client offers."""
    UNREACHABLE = "unreachable", 16
    """No server answered: refused, timed out, an unknown host, a closed connection."""
    AUTHENTICATION = "authentication", 17
    """The server refused the user name or the password."""
    NO_PRIMARY = "no_primary", 18
    """The servers answered, but none is the primary of the replica set named in the URI."""
    AUTHORIZATION = "authorization", 19
    """The server accepted the login but refused an operation: the user lacks the role."""
    COMPATIBILITY = "compatibility", 20
    """pymongo and the server, or the code and pymongo, are releases that do not fit: a
    server too old or too new for this pymongo, an option or method pymongo removed."""
    DISCOVERY = "discovery", 21
    """The servers answered, but describe a replica set this machine cannot use as given:
    members under names it cannot reach, or one seed that must be used alone."""
    QUOTA = "quota", 22
    """The cluster refused an operation over one of its limits (a free cluster's storage)."""


class Reason(str, enum.Enum):
    """Why an error of a family happened: the ``reason`` of the errors that carry one.

    A ``str``, so that ``error.reason == "expired"`` reads as before; its
    ``family`` is the error's family, and ``meaning`` what it means, in a few
    words.

    .. versionadded:: 0.1.0
    """

    family: Family
    """The failure family of an error with this reason."""
    meaning: str
    """What this reason means, in a few words."""

    def __new__(cls, name: str, family: Family, meaning: str) -> Reason:
        member = str.__new__(cls, name)
        member._value_ = name
        member.family = family
        member.meaning = meaning
        return member

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def of(cls, value: Reason | str) -> Reason:
        """The reason whose value is ``value``; ValueError for any other: the list is closed."""
        for member in cls:
            if member.value == value:
                return member
        raise ValueError(f"{value!r} is not a reason of atlasconnect's errors")

    # CABundleError
    CA_FILE_MISSING = "missing", Family.ENVIRONMENT, "the CA file does not exist"
    CA_FILE_UNREADABLE = "unreadable", Family.ENVIRONMENT, "the CA file cannot be read"
    CA_FILE_INVALID = "invalid", Family.ENVIRONMENT, "the CA file is not PEM certificates"
    CA_FILE_EMPTY = "empty", Family.ENVIRONMENT, "the CA file holds no certificate"
    # CertificateVerificationError: the server's certificate...
    UNTRUSTED = (
        "untrusted",
        Family.CERTIFICATE,
        "no trusted CA signed it: a TLS-inspecting proxy, or a stale bundle",
    )
    EXPIRED = "expired", Family.CERTIFICATE, "it is expired or not yet valid: the clock or bundle"
    HOSTNAME_MISMATCH = (
        "hostname_mismatch",
        Family.CERTIFICATE,
        "its names do not include the host name connected to",
    )
    IP_ADDRESS_MISMATCH = (
        "ip_address_mismatch",
        Family.CERTIFICATE,
        "it does not cover the IP address connected to",
    )
    STRICT_X509 = (
        "strict_x509",
        Family.CERTIFICATE,
        "a CA of its chain breaks a rule of X.509 that Python 3.13 enforces",
    )
    REVOKED = "revoked", Family.CERTIFICATE, "its CA revoked it"
    OCSP = "ocsp", Family.CERTIFICATE, "its revocation status could not be checked (OCSP)"
    UNVERIFIED = "unverified", Family.CERTIFICATE, "the TLS library does not say why"
    # ...or the server refused this client's certificate.
    CLIENT_CERTIFICATE_EXPIRED = (
        "client_certificate_expired",
        Family.CERTIFICATE,
        "the client certificate is expired or not yet valid",
    )
    CLIENT_CERTIFICATE_UNTRUSTED = (
        "client_certificate_untrusted",
        Family.CERTIFICATE,
        "no CA the server trusts signed the client certificate",
    )
    CLIENT_CERTIFICATE_REQUIRED = (
        "client_certificate_required",
        Family.CERTIFICATE,
        "the server requires a client certificate, and none was presented",
    )
    CLIENT_CERTIFICATE_REFUSED = (
        "client_certificate_refused",
        Family.CERTIFICATE,
        "the server refused the client certificate (bad, revoked, unsupported)",
    )
    # ServerUnreachableError
    NAME_NOT_RESOLVED = "name_not_resolved", Family.UNREACHABLE, "DNS does not know the host"
    SRV_NAME_AS_HOST = (
        "srv_name_as_host",
        Family.UNREACHABLE,
        "an Atlas cluster's SRV name was used as a host of mongodb://",
    )
    REFUSED = "refused", Family.UNREACHABLE, "nothing listens on the port"
    TIMED_OUT = "timed_out", Family.UNREACHABLE, "no TCP answer: a firewall, a paused cluster"
    NO_ROUTE = "no_route", Family.UNREACHABLE, "this machine has no route to the server's network"
    NOT_TLS = "not_tls", Family.UNREACHABLE, "TCP connected, but TLS never completed"
    CLOSED = "closed", Family.UNREACHABLE, "the server closed the connection"
    NO_ANSWER = "no_answer", Family.UNREACHABLE, "no answer within serverSelectionTimeoutMS"
    MIXED = "mixed", Family.UNREACHABLE, "servers failed in different ways"
    UNRECOGNISED = (
        "unrecognised",
        Family.UNREACHABLE,
        "every server failed with an error atlasconnect does not know",
    )
    TLS_OFF = "tls_off", Family.CONFIGURATION, "Atlas closed connections opened without TLS"
    NO_PRIMARY = "no_primary", Family.NO_PRIMARY, "the members answered, none as primary"
    REPLICA_SET_MISMATCH = (
        "replica_set_mismatch",
        Family.NO_PRIMARY,
        "the servers are not members of the replicaSet= named",
    )
    SHUTTING_DOWN = (
        "shutting_down",
        Family.NO_PRIMARY,
        "the server is shutting down or stepping down (maintenance, a failover)",
    )
    ADVERTISED_NAME_UNREACHABLE = (
        "advertised_name_unreachable",
        Family.DISCOVERY,
        "members answer under names this machine cannot reach",
    )
    NEEDS_DIRECT_CONNECTION = (
        "needs_direct_connection",
        Family.DISCOVERY,
        "the one server named must be used alone: directConnection=true",
    )
    # DNSResolutionError
    NAME_NOT_FOUND = "name_not_found", Family.DNS, "the name does not exist (NXDOMAIN)"
    NO_SRV_RECORD = "no_srv_record", Family.DNS, "the name exists but has no SRV record"
    RESOLVER_FAILED = "resolver_failed", Family.DNS, "the resolver timed out or failed"
    NO_RESOLVER = "no_resolver", Family.DNS, "this machine has no resolver configuration"
    SRV_TARGET_OUTSIDE_DOMAIN = (
        "srv_target_outside_domain",
        Family.DNS,
        "the SRV record lists a host outside the cluster name's domain",
    )
    # AuthenticationError
    LOGIN_REFUSED = "login_refused", Family.AUTHENTICATION, "the server refused the login"
    NOT_LOGGED_IN = (
        "not_logged_in",
        Family.AUTHENTICATION,
        "the client sent no credentials, and the server requires them",
    )
    # AuthorizationError
    MISSING_ROLE = (
        "missing_role",
        Family.AUTHORIZATION,
        "the database user lacks the role the operation needs",
    )
    # CompatibilityError
    SERVER_TOO_OLD = (
        "server_too_old",
        Family.COMPATIBILITY,
        "the server is older than pymongo supports",
    )
    SERVER_TOO_NEW = (
        "server_too_new",
        Family.COMPATIBILITY,
        "the server is newer than this pymongo supports",
    )
    REMOVED_OPTION = "removed_option", Family.COMPATIBILITY, "pymongo removed this option"
    REMOVED_API = (
        "removed_api",
        Family.COMPATIBILITY,
        "pymongo removed this method, class or module",
    )
    UNSUPPORTED_BY_SERVER = (
        "unsupported_by_server",
        Family.COMPATIBILITY,
        "the server does not support what the client asked: a command, a wire message, a "
        "Stable API setting",
    )
    # QuotaExceededError
    SPACE_QUOTA = "space_quota", Family.QUOTA, "the cluster's storage quota is used up"
    LIMIT = "limit", Family.QUOTA, "an operation went over a limit of the server or its tier"
