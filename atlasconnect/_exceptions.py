"""The errors atlasconnect raises.

Every error explains itself in three parts, each also kept as an attribute so
that programs can act on it without parsing text:

- ``found``: what was found, in this environment or this connection string;
- ``why``: why that matters for a connection to MongoDB Atlas;
- ``fix``: the exact thing to do about it (a command, an option to change),
  with settings written as :func:`atlasconnect.connect` keyword arguments;
- ``cli_fix``: the same fix for someone at the command line (``atlasconnect
  doctor``, ``atlasconnect explain``), with settings written as options of the
  connection string; the same text as ``fix`` when that names no setting.
  :func:`fix_for` chooses between them.

Each class is also the pymongo exception that a plain ``MongoClient`` user
would have caught in the same situation, and only that one: existing
``except pymongo.errors.ConfigurationError:`` blocks keep catching what they
caught before, and no more. A run-time error is related to the environment
error it is a form of through atlasconnect's own classes
(``except TLSVersionUnsupportedError`` catches ``TLSVersionRefusedError`` too),
never through a second pymongo base; the two environment errors that have a
run-time form are therefore ``PyMongoError``, the ancestor both forms share.

The tree of errors::

    AtlasConnectError (Exception)
        SNIUnsupportedError (PyMongoError)
            SNIRefusedError (OperationFailure)
        TLSVersionUnsupportedError (PyMongoError)
            TLSVersionRefusedError (ServerSelectionTimeoutError)
        MissingDependencyError (ConfigurationError)
        CABundleError (ConfigurationError)
        InsecureConfigurationError (ConfigurationError)
        ConnectionStringError (InvalidURI, ValueError)
        DNSResolutionError (ConfigurationError)
        NetworkAccessError (ServerSelectionTimeoutError)
        CertificateVerificationError (ServerSelectionTimeoutError)
        ServerUnreachableError (ServerSelectionTimeoutError)
        AuthenticationError (OperationFailure)

Each line names a class and, in brackets, the classes from outside
atlasconnect (pymongo's, Python's) it adds to those of its parent.

Every error survives ``pickle`` and ``copy`` whole, so it can cross a process
boundary (multiprocessing, ``ProcessPoolExecutor``, task queues).

No message ever holds a secret: messages are built from parts already
redacted (see :mod:`atlasconnect._connection_string` for the rule), and the
pymongo exception is never chained.
"""

from __future__ import annotations

import copyreg
import ssl
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from pymongo.errors import (
    ConfigurationError,
    InvalidURI,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from ._families import Family
from ._phrasing import Audience

__all__ = [
    "AtlasConnectError",
    "AuthenticationError",
    "CABundleError",
    "CertificateVerificationError",
    "ConnectionStringError",
    "DNSResolutionError",
    "InsecureConfigurationError",
    "MissingDependencyError",
    "NetworkAccessError",
    "SNIRefusedError",
    "SNIUnsupportedError",
    "ServerUnreachableError",
    "TLSVersionRefusedError",
    "TLSVersionUnsupportedError",
    "family_of",
    "fix_for",
]


class AtlasConnectError(Exception):
    """Base class of every error atlasconnect raises.

    .. versionadded:: 0.1.0
    """

    found: str
    """What was found."""
    why: str
    """Why it matters for a connection to MongoDB Atlas."""
    fix: str
    """What to do about it, settings written as :func:`atlasconnect.connect` keywords."""
    _cli_fix: str | None = None
    """The command-line fix when it differs from ``fix``. A class default, so that an error
    made without ``__init__`` or pickled before it existed reads ``fix``."""

    family: ClassVar[Family] = Family.ENVIRONMENT
    """The failure family of this class's errors, and so the exit status of
    ``atlasconnect doctor`` when it finds one (:class:`~atlasconnect.Family`).

    .. versionadded:: 0.1.0
    """
    reason_families: ClassVar[Mapping[str, Family]] = MappingProxyType({})
    """The reasons (the ``reason`` attribute) whose errors belong to another family than
    :attr:`family`, with that family. Empty for most classes.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        **driver_arguments: Any,
    ) -> None:
        # driver_arguments reach the pymongo base class, e.g. OperationFailure's code.
        self.found = found
        self.why = why
        self.fix = fix
        self._cli_fix = cli_fix
        super().__init__(explanation(found, why, fix), **driver_arguments)

    @property
    def cli_fix(self) -> str:
        """What to do about it at the command line: settings written as connection-string
        options (``&tlsCAFile=...``) or the doctor's flags. The same text as ``fix``
        when that names no setting.

        .. versionadded:: 0.1.0
        """
        return self.fix if self._cli_fix is None else self._cli_fix

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy rebuild the error from its args and attributes.

        Python's default re-runs ``__init__`` with ``args`` alone, which cannot
        work: the fields are keyword-only. Creating the object without
        ``__init__`` and restoring its ``__dict__`` brings back every field and
        pymongo's own state (``OperationFailure``'s code and details, error labels).
        """
        # typeshed does not declare copyreg.__newobj__, which pickle knows (NEWOBJ).
        return copyreg.__newobj__, (type(self), *self.args), self.__dict__  # type: ignore[attr-defined]


def explanation(found: str, why: str, fix: str) -> str:
    """The message of an error: what was found, why it matters, how to fix it."""
    return f"{found}\n  Why it matters: {why}\n  How to fix it: {fix}"


def fix_for(error: AtlasConnectError, audience: Audience) -> str:
    """The fix of ``error`` phrased for ``audience``: ``"python"`` (a program calling
    ``connect()``: :attr:`~AtlasConnectError.fix`) or ``"cli"`` (a command-line user:
    :attr:`~AtlasConnectError.cli_fix`)."""
    return error.cli_fix if audience == "cli" else error.fix


def family_of(error: AtlasConnectError) -> Family:
    """The failure family of ``error``: its reason's, if that has one, else its class's."""
    # Not every class has a reason; those that have none belong to their class's family.
    reason: str = getattr(error, "reason", "")
    return type(error).reason_families.get(reason, type(error).family)


class SNIUnsupportedError(AtlasConnectError, PyMongoError):
    """This Python's TLS library cannot send Server Name Indication (SNI).

    Atlas routes every connection by the host name in SNI; shared and free
    tier clusters refuse clients that send none.

    .. versionadded:: 0.1.0
    """


class TLSVersionUnsupportedError(AtlasConnectError, PyMongoError):
    """This Python cannot speak a TLS version at or above the requested floor.

    .. versionadded:: 0.1.0
    """

    min_tls_version: ssl.TLSVersion
    """The TLS floor that was requested."""
    available: tuple[ssl.TLSVersion, ...]
    """The TLS versions this Python's TLS library offers."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        min_tls_version: ssl.TLSVersion,
        available: tuple[ssl.TLSVersion, ...],
    ) -> None:
        self.min_tls_version = min_tls_version
        self.available = available
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class MissingDependencyError(AtlasConnectError, ConfigurationError):
    """A package atlasconnect needs is missing, too old, or changed its internals.

    .. versionadded:: 0.1.0
    """

    package: str
    """The distribution name, as given to ``pip install``."""
    installed_version: str | None
    """The version found, or ``None`` when the package cannot be imported."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        package: str,
        installed_version: str | None,
    ) -> None:
        self.package = package
        self.installed_version = installed_version
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class CABundleError(AtlasConnectError, ConfigurationError):
    """The CA bundle used to verify Atlas's certificates is missing, unreadable or empty.

    .. versionadded:: 0.1.0
    """

    path: str
    """The CA file that was checked."""
    reason: str
    """The cause: ``"missing"``, ``"unreadable"``, ``"invalid"`` or ``"empty"``."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        path: str,
        reason: str,
    ) -> None:
        self.path = path
        self.reason = reason
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class InsecureConfigurationError(AtlasConnectError, ConfigurationError):
    """TLS, certificate verification or the TLS floor would be switched off or lowered.

    atlasconnect has no switch that allows this.

    .. versionadded:: 0.1.0
    """

    family = Family.CONFIGURATION

    setting: str
    """The refused setting as the caller wrote it: ``"tlsInsecure=true"`` from the connection
    string (the value percent-decoded), ``"tlsInsecure=True"`` for the keyword argument."""

    def __init__(
        self, found: str, *, why: str, fix: str, cli_fix: str | None = None, setting: str
    ) -> None:
        self.setting = setting
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class ConnectionStringError(AtlasConnectError, InvalidURI, ValueError):
    """The connection string or a client option is missing or malformed.

    Also a :class:`ValueError`, which pymongo raises for some malformed URIs
    (a bad port, for example).

    .. versionadded:: 0.1.0
    """

    family = Family.CONFIGURATION

    redacted_uri: str | None
    """The connection string with every secret replaced by ``****``, if there was one."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        redacted_uri: str | None,
    ) -> None:
        self.redacted_uri = redacted_uri
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


# Errors found on the network, once a client exists.


class ServerErrors:
    """Mixin for errors diagnosed from what each server answered."""

    server_errors: dict[str, str]
    """What each server answered, ``"host:port"`` -> its error text (the network's words)."""

    def __init__(self, found: str, *, server_errors: dict[str, str], **details: Any) -> None:
        self.server_errors = server_errors
        # Cooperative: the next class in the subclass's MRO takes the rest.
        super().__init__(found, **details)  # type: ignore[call-arg]

    @property
    def hosts(self) -> list[str]:
        """The ``"host:port"`` of every server involved."""
        return list(self.server_errors)


class NetworkAccessError(ServerErrors, AtlasConnectError, ServerSelectionTimeoutError):
    """Every host of an Atlas cluster refused this machine during the TLS handshake.

    Atlas answers a client whose public IP address is not on the project's IP
    access list with TLS alert 80 (``TLSV1_ALERT_INTERNAL_ERROR``) or by closing
    the connection.

    .. versionadded:: 0.1.0
    """

    family = Family.NETWORK_ACCESS


class CertificateVerificationError(ServerErrors, AtlasConnectError, ServerSelectionTimeoutError):
    """The server's certificate could not be verified, or the server refused the client's.

    The ``client_certificate_*`` reasons are the servers' verdicts on this client's
    certificate (``tlsCertificateKeyFile``), told by the TLS alert they sent; the others
    this client's on the server's.

    .. versionadded:: 0.1.0
    """

    family = Family.CERTIFICATE

    reason: str
    """The server's certificate: ``"untrusted"`` (unknown CA: a TLS-intercepting proxy or a
    stale bundle), ``"expired"`` (or not yet valid: the clock or the bundle),
    ``"hostname_mismatch"``, ``"ocsp"`` (the certificate's revocation status could not be
    checked: pyOpenSSL's ``invalid status response``), or ``"unverified"`` when the TLS
    library does not say which. This client's certificate, refused by the server:
    ``"client_certificate_expired"`` (alert ``certificate expired``, or expired by this
    machine's clock when the alert was lost), ``"client_certificate_untrusted"`` (alert
    ``unknown ca``: signed by a CA the server does not trust),
    ``"client_certificate_required"`` (alert ``certificate required``: none was presented),
    or ``"client_certificate_refused"`` (another alert: ``bad certificate``, ``certificate
    revoked``, ``unsupported certificate``...; or, most likely, a connection every server
    closed right after the TLS 1.3 handshake, its alert lost)."""
    ca_file: str | None
    """The CA file this client checks server certificates against; None for the system
    store."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        server_errors: dict[str, str],
        reason: str,
        ca_file: str | None,
    ) -> None:
        self.reason = reason
        self.ca_file = ca_file
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, server_errors=server_errors)


class ServerUnreachableError(ServerErrors, AtlasConnectError, ServerSelectionTimeoutError):
    """No server could be used: each ``reason`` is a different cause with its own fix.

    .. versionadded:: 0.1.0
    """

    family = Family.UNREACHABLE
    reason_families: ClassVar[Mapping[str, Family]] = MappingProxyType(
        {
            "no_primary": Family.NO_PRIMARY,
            "replica_set_mismatch": Family.NO_PRIMARY,
            "tls_off": Family.CONFIGURATION,
        }
    )

    reason: str
    """``"name_not_resolved"`` (a host name DNS does not know: a typo),
    ``"srv_name_as_host"`` (an Atlas cluster's SRV name used as a host of a
    ``mongodb://`` string), ``"refused"`` (nothing listens on the port),
    ``"timed_out"`` (no TCP answer: a firewall, a paused cluster), ``"not_tls"``
    (TCP connected but the TLS handshake never completed), ``"tls_off"`` (Atlas
    closed connections this client opened without TLS), ``"closed"`` (the
    server closed the connection), ``"no_answer"`` (a server did not answer
    within serverSelectionTimeoutMS), ``"no_primary"`` (the replica set's
    members answered, none of them primary), ``"replica_set_mismatch"`` (the
    servers are not members of the ``replicaSet=`` the client asked for), or
    ``"mixed"`` (servers failed in different ways, or in a way not listed)."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        server_errors: dict[str, str],
        reason: str,
    ) -> None:
        self.reason = reason
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, server_errors=server_errors)


class TLSVersionRefusedError(ServerErrors, TLSVersionUnsupportedError, ServerSelectionTimeoutError):
    """A server refused the TLS handshake with ``alert protocol version``.

    The run-time form of :class:`TLSVersionUnsupportedError`: catch that class
    to handle both.

    .. versionadded:: 0.1.0
    """

    family = Family.TLS_VERSION


class DNSResolutionError(AtlasConnectError, ConfigurationError):
    """A name of the connection string could not be resolved.

    The ``mongodb+srv://`` name, or, in the doctor, a host of a ``mongodb://`` string.

    .. versionadded:: 0.1.0
    """

    family = Family.DNS

    host: str
    """The DNS name that was looked up."""
    reason: str
    """``"name_not_found"`` (NXDOMAIN: a typo or a deleted cluster), ``"no_srv_record"``
    (the name exists but has no SRV record), ``"resolver_failed"`` (timeout,
    SERVFAIL: the resolver cannot answer SRV queries), or ``"no_resolver"`` (this
    machine has no resolver configuration: no ``/etc/resolv.conf``, no nameserver)."""

    def __init__(
        self, found: str, *, why: str, fix: str, cli_fix: str | None = None, host: str, reason: str
    ) -> None:
        self.host = host
        self.reason = reason
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class AuthenticationError(AtlasConnectError, OperationFailure):
    """The server refused the user name or password (codes 18 and 8000).

    When the client is known (``connect(verify=True)``, the doctor,
    ``explain(exc, client)``), ``found`` names the login that was tried: the
    user, the authSource and the authMechanism if one was set, never the
    password. From the error alone it cannot, and ``fix`` says what to check.

    .. versionadded:: 0.1.0
    """

    family = Family.AUTHENTICATION

    def __init__(
        self, found: str, *, why: str, fix: str, cli_fix: str | None = None, code: int | None
    ) -> None:
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, code=code)


class SNIRefusedError(SNIUnsupportedError, OperationFailure):
    """Atlas refused the connection because no SNI name was sent (code 8000).

    The run-time form of :class:`SNIUnsupportedError`: catch that class to
    handle both.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, found: str, *, why: str, fix: str, cli_fix: str | None = None, code: int | None
    ) -> None:
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, code=code)
