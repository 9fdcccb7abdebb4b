"""The errors found by talking to servers: the network, TLS, DNS and the servers' answers.

Their place in the tree of errors, and what every error has in common, is in
:mod:`atlasconnect._exceptions`.
"""

from __future__ import annotations

from typing import Any

from pymongo.errors import ConfigurationError, OperationFailure, ServerSelectionTimeoutError

from ._exceptions import (
    AtlasConnectError,
    SNIUnsupportedError,
    TLSVersionUnsupportedError,
    checked_reason,
)
from ._families import Family, Reason

__all__ = [
    "AuthenticationError",
    "AuthorizationError",
    "CertificateVerificationError",
    "DNSResolutionError",
    "NetworkAccessError",
    "QuotaExceededError",
    "SNIRefusedError",
    "ServerErrors",
    "ServerUnreachableError",
    "TLSVersionRefusedError",
]


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
    reasons = (
        Reason.UNTRUSTED,
        Reason.EXPIRED,
        Reason.HOSTNAME_MISMATCH,
        Reason.IP_ADDRESS_MISMATCH,
        Reason.STRICT_X509,
        Reason.REVOKED,
        Reason.OCSP,
        Reason.UNVERIFIED,
        Reason.CLIENT_CERTIFICATE_EXPIRED,
        Reason.CLIENT_CERTIFICATE_UNTRUSTED,
        Reason.CLIENT_CERTIFICATE_REQUIRED,
        Reason.CLIENT_CERTIFICATE_REFUSED,
    )

    reason: Reason
    """Which check failed: one of ``reasons``. ``unverified`` when the TLS library
    does not say which; ``client_certificate_refused`` also for a connection every server
    closed right after the TLS 1.3 handshake, its alert lost."""
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
        reason: Reason | str,
        ca_file: str | None,
    ) -> None:
        self.reason = checked_reason(reason, type(self))
        self.ca_file = ca_file
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, server_errors=server_errors)


class ServerUnreachableError(ServerErrors, AtlasConnectError, ServerSelectionTimeoutError):
    """No server could be used: each ``reason`` is a different cause with its own fix.

    .. versionadded:: 0.1.0
    """

    family = Family.UNREACHABLE
    reasons = (
        Reason.NAME_NOT_RESOLVED,
        Reason.SRV_NAME_AS_HOST,
        Reason.REFUSED,
        Reason.TIMED_OUT,
        Reason.NO_ROUTE,
        Reason.NOT_TLS,
        Reason.CLOSED,
        Reason.NO_ANSWER,
        Reason.MIXED,
        Reason.UNRECOGNISED,
        Reason.TLS_OFF,
        Reason.NO_PRIMARY,
        Reason.REPLICA_SET_MISMATCH,
        Reason.SHUTTING_DOWN,
        Reason.ADVERTISED_NAME_UNREACHABLE,
        Reason.NEEDS_DIRECT_CONNECTION,
    )

    reason: Reason
    """Why no server could be used: one of ``reasons`` (``mixed`` when servers failed
    in different ways, or in a way not listed). ``tls_off`` belongs to the configuration
    family, ``no_primary``, ``replica_set_mismatch`` and ``shutting_down`` to no_primary,
    ``advertised_name_unreachable`` and ``needs_direct_connection`` to discovery."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        server_errors: dict[str, str],
        reason: Reason | str,
    ) -> None:
        self.reason = checked_reason(reason, type(self))
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

    reasons = (
        Reason.NAME_NOT_FOUND,
        Reason.NO_SRV_RECORD,
        Reason.RESOLVER_FAILED,
        Reason.NO_RESOLVER,
        Reason.SRV_TARGET_OUTSIDE_DOMAIN,
    )

    host: str
    """The DNS name that was looked up."""
    reason: Reason
    """Why it could not be resolved: one of ``reasons``."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        host: str,
        reason: Reason | str,
    ) -> None:
        self.host = host
        self.reason = checked_reason(reason, type(self))
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
    reasons = (Reason.LOGIN_REFUSED, Reason.NOT_LOGGED_IN)

    reason: Reason
    """``login_refused`` (the server refused the credentials), or ``not_logged_in`` (the
    client sent none, and the server requires them)."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        code: int | None,
        reason: Reason | str = Reason.LOGIN_REFUSED,
    ) -> None:
        self.reason = checked_reason(reason, type(self))
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, code=code)


class AuthorizationError(AtlasConnectError, OperationFailure):
    """The server accepted the login, but the user may not do what was asked (code 13,
    Atlas's 8000 "user is not allowed to do action").

    .. versionadded:: 0.1.0
    """

    family = Family.AUTHORIZATION
    reasons = (Reason.MISSING_ROLE,)

    reason: Reason
    """``missing_role``: the database user lacks the role the operation needs."""
    action: str | None
    """The action the server refused (``find``, ``insert``, ``listDatabases``), if it said."""
    resource: str | None
    """Where: a database or ``database.collection``, if the server said."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        code: int | None,
        action: str | None,
        resource: str | None,
    ) -> None:
        self.reason = Reason.MISSING_ROLE
        self.action = action
        self.resource = resource
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix, code=code)


class QuotaExceededError(AtlasConnectError, OperationFailure):
    """The cluster refused an operation over one of its limits: most often a free or shared
    cluster's storage quota (Atlas's code 8000 "you are over your space quota").

    .. versionadded:: 0.1.0
    """

    family = Family.QUOTA
    reasons = (Reason.SPACE_QUOTA, Reason.LIMIT)

    reason: Reason
    """``space_quota`` (the data is as large as the cluster tier allows) or ``limit`` (another
    limit of the server or its tier: sessions, memory, a rate, a document's size)."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        code: int | None,
        reason: Reason | str = Reason.SPACE_QUOTA,
    ) -> None:
        self.reason = checked_reason(reason, type(self))
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
