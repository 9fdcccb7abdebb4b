"""The errors atlasconnect raises.

Every error explains itself in three parts, each also kept as an attribute so
that programs can act on it without parsing text:

- ``found``: what was found, in this environment or this connection string;
- ``why``: why that matters for a connection to MongoDB Atlas;
- ``fix``: the exact thing to do about it (a command, an option to change).

Each class is also a subclass of the pymongo exception that a plain
``MongoClient`` user would have caught in the same situation, so existing
``except pymongo.errors.ConfigurationError:`` blocks keep working.

No message ever holds a password: texts that come from pymongo are redacted
before they are stored here, and the pymongo exception is never chained.
"""

from __future__ import annotations

import ssl

from pymongo.errors import ConfigurationError, InvalidURI

__all__ = [
    "AtlasConnectError",
    "CABundleError",
    "ConnectionStringError",
    "InsecureConfigurationError",
    "MissingDependencyError",
    "SNIUnsupportedError",
    "TLSVersionUnsupportedError",
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
    """What to do about it."""

    def __init__(self, found: str, *, why: str, fix: str) -> None:
        self.found = found
        self.why = why
        self.fix = fix
        super().__init__(f"{found}\n  Why it matters: {why}\n  How to fix it: {fix}")


class SNIUnsupportedError(AtlasConnectError, ConfigurationError):
    """This Python's TLS library cannot send Server Name Indication (SNI).

    Atlas routes every connection by the host name in SNI; shared and free
    tier clusters refuse clients that send none.

    .. versionadded:: 0.1.0
    """


class TLSVersionUnsupportedError(AtlasConnectError, ConfigurationError):
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
        min_tls_version: ssl.TLSVersion,
        available: tuple[ssl.TLSVersion, ...],
    ) -> None:
        self.min_tls_version = min_tls_version
        self.available = available
        super().__init__(found, why=why, fix=fix)


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
        package: str,
        installed_version: str | None,
    ) -> None:
        self.package = package
        self.installed_version = installed_version
        super().__init__(found, why=why, fix=fix)


class CABundleError(AtlasConnectError, ConfigurationError):
    """The CA bundle used to verify Atlas's certificates is missing, unreadable or empty.

    .. versionadded:: 0.1.0
    """

    path: str
    """The CA file that was checked."""
    reason: str
    """The cause: ``"missing"``, ``"unreadable"``, ``"invalid"`` or ``"empty"``."""

    def __init__(self, found: str, *, why: str, fix: str, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(found, why=why, fix=fix)


class InsecureConfigurationError(AtlasConnectError, ConfigurationError):
    """TLS, certificate verification or the TLS floor would be switched off or lowered.

    atlasconnect has no switch that allows this.

    .. versionadded:: 0.1.0
    """

    setting: str
    """The refused setting as the caller wrote it, e.g. ``"tlsInsecure=true"``."""

    def __init__(self, found: str, *, why: str, fix: str, setting: str) -> None:
        self.setting = setting
        super().__init__(found, why=why, fix=fix)


class ConnectionStringError(AtlasConnectError, InvalidURI, ValueError):
    """The connection string or a client option is missing or malformed.

    Also a :class:`ValueError`, which pymongo raises for some malformed URIs
    (a bad port, for example).

    .. versionadded:: 0.1.0
    """

    redacted_uri: str | None
    """The connection string with every secret replaced by ``****``, if there was one."""

    def __init__(self, found: str, *, why: str, fix: str, redacted_uri: str | None) -> None:
        self.redacted_uri = redacted_uri
        super().__init__(found, why=why, fix=fix)
